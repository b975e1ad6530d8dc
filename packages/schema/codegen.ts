import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generates TypedDocumentNode constants (`EnrollDeviceDocument`, ...) and their result and
 * variable types from `operations/*.graphql`, checked against the emitted `schema.graphql`.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/**/*.graphql'],
  ignoreNoDocuments: false,
  // NodeNext ESM: generated relative imports need their .js extension.
  emitLegacyCommonJSImports: false,
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        skipTypename: false,
        dedupeFragments: true,
      },
    },
  },
};

export default config;
