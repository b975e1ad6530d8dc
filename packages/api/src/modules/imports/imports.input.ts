import { Extensions, Field, InputType } from 'type-graphql';
import { RAW_TEXT } from '../../shared/validation.js';
import { z } from 'zod';

@InputType({ description: 'An uploaded file and how to import it.' })
export class ImportFileInput {
  @Field({ description: 'File name as the admin chose it, 1-255 characters (recorded with the import).' })
  fileName!: string;

  // NUL bytes and bad encodings are the parser's to refuse (UNSUPPORTED_ENCODING, a file-level error).
  @Extensions({ [RAW_TEXT]: true })
  @Field({
    description:
      "The file's text (UTF-8, with or without BOM; CRLF or LF). Size limits are per format (5 MB for CSV files).",
  })
  content!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Import the valid rows and report the bad ones. Default false: any bad row rejects the whole file.',
  })
  partial?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Overwrite stored records whose details differ. Default false: such rows are reported as CONFLICTING and left unchanged.',
  })
  overwrite?: boolean | null;
}

/** Validation of {@link ImportFileInput}; the content itself is checked by the format's parser. */
export const importFileSchema = z.object({
  fileName: z.string().trim().min(1).max(255),
  content: z.string(),
  partial: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  overwrite: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

export type ImportFileCommand = z.output<typeof importFileSchema>;
