import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * What a `managedDevices` page must read for the fields its query selects: the store reads only
 * these columns and joins the user and the current certificate only when they are asked for (a
 * page read every column of every device, user and certificate, PEM included, whatever the query
 * rendered; parsing and collecting them was most of a page's garbage).
 */
export interface DevicePageSelection {
  /** Scalar properties of the device to read (its id always). */
  device: readonly string[];
  /** Scalar properties of the joined user; null: the user is not read with the page. */
  user: readonly string[] | null;
  /**
   * Scalar properties of the current certificate, read in the page's statement; null: not read
   * with the page (its field resolver then loads it, with every certificate of the page's devices).
   */
  certificate: readonly string[] | null;
  /**
   * Of the properties above, by entity, those only rendered as fields (no resolver and no cursor
   * reads them): a timestamp among them can be read as its ISO 8601 text instead of a Date.
   */
  renderedOnly?: { device: readonly string[]; user: readonly string[]; certificate: readonly string[] };
}

/**
 * Properties the device's field resolvers read, by field name; a field that is neither a
 * property nor listed here makes the page read every column (a new field resolver keeps working
 * before it is listed). `user`, `userPrincipalName` and `mdmCertificate` are read by the join.
 */
const DEVICE_RESOLVER_NEEDS: Record<string, readonly string[]> = {
  actions: ['enrolledDateTime'],
  appleMdm: [],
  mdmCommands: [],
  mdmCertificates: [],
  user: [],
  userPrincipalName: [],
  mdmCertificate: [],
  __typename: [],
};

/** Properties the certificate's field resolvers read (lifecycle status, removal date), likewise. */
const CERTIFICATE_RESOLVER_NEEDS: Record<string, readonly string[]> = {
  status: ['status', 'notAfter'],
  expiringThresholdDays: ['status', 'notAfter'],
  removalDateTime: ['notAfter'],
  __typename: [],
};

/** Read from every selection's cache by the field node of `managedDevices` (one per document). */
const cache = new WeakMap<FieldNode, DevicePageSelection | null>();

/**
 * The columns a `managedDevices` page needs for the query being executed, or null for every
 * column (a selection this cannot reduce). Fragments are followed; `@skip`/`@include` are
 * ignored (a field they drop is read anyway, which is safe). The sort column is always read: the
 * cursors are made from it.
 * @param properties the scalar property names of the device, user and certificate entities
 * @param orderProperty the device property of the page's sort key
 */
export function devicePageSelection(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  properties: { device: ReadonlySet<string>; user: ReadonlySet<string>; certificate: ReadonlySet<string> },
  orderProperty: string,
): DevicePageSelection | null {
  const field = info.fieldNodes[0];
  if (!field || info.fieldNodes.length !== 1) return null;
  let selection = cache.get(field);
  if (selection === undefined) {
    selection = build(info, properties);
    cache.set(field, selection);
  }
  if (!selection) return selection;
  // The cursors are made from the sort key's Date.
  const rendered = selection.renderedOnly!;
  return {
    ...selection,
    device: selection.device.includes(orderProperty)
      ? selection.device
      : [...selection.device, orderProperty],
    renderedOnly: { ...rendered, device: rendered.device.filter((p) => p !== orderProperty) },
  };
}

function build(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  properties: { device: ReadonlySet<string>; user: ReadonlySet<string>; certificate: ReadonlySet<string> },
): DevicePageSelection | null {
  const sets = (nodes: readonly FieldNode[]) =>
    nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  const edges = fieldsOf(sets(info.fieldNodes), info.fragments).get('edges') ?? [];
  const nodes = fieldsOf(sets(edges), info.fragments).get('node') ?? [];
  const deviceFields = fieldsOf(sets(nodes), info.fragments);
  const device = new Set(['id']);
  const deviceNeeds = new Set<string>();
  for (const [name] of deviceFields) {
    if (name in DEVICE_RESOLVER_NEEDS) for (const p of DEVICE_RESOLVER_NEEDS[name]!) deviceNeeds.add(p);
    else if (properties.device.has(name)) device.add(name);
    else return null;
  }
  const renderedOnly = {
    device: [...device].filter((p) => !deviceNeeds.has(p)),
    user: [] as string[],
    certificate: [] as string[],
  };
  for (const p of deviceNeeds) device.add(p);
  let user: string[] | null = null;
  if (deviceFields.has('user') || deviceFields.has('userPrincipalName')) {
    const wanted = new Set(['id', 'userPrincipalName']);
    for (const [name] of fieldsOf(sets(deviceFields.get('user') ?? []), info.fragments)) {
      if (properties.user.has(name)) {
        wanted.add(name);
        renderedOnly.user.push(name);
      } else if (name !== '__typename') return null;
    }
    user = [...wanted];
  }
  let certificate: string[] | null = null;
  if (deviceFields.has('mdmCertificate') && !deviceFields.has('mdmCertificates')) {
    const wanted = new Set(['id', 'supersededById']);
    const needs = new Set<string>();
    for (const [name] of fieldsOf(sets(deviceFields.get('mdmCertificate')!), info.fragments)) {
      if (name in CERTIFICATE_RESOLVER_NEEDS) for (const p of CERTIFICATE_RESOLVER_NEEDS[name]!) needs.add(p);
      else if (properties.certificate.has(name)) wanted.add(name);
      else return null;
    }
    renderedOnly.certificate = [...wanted].filter((p) => !needs.has(p));
    for (const p of needs) wanted.add(p);
    certificate = [...wanted];
  }
  return { device: [...device], user, certificate, renderedOnly };
}

/** The fields selected by `sets` (fragments expanded), by field name, with their nodes. */
function fieldsOf(
  sets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  into = new Map<string, FieldNode[]>(),
): Map<string, FieldNode[]> {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        const list = into.get(name);
        if (list) list.push(selection);
        else into.set(name, [selection]);
      } else if (selection.kind === 'InlineFragment') {
        fieldsOf([selection.selectionSet], fragments, into);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) fieldsOf([fragment.selectionSet], fragments, into);
      }
    }
  }
  return into;
}
