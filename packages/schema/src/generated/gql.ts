/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query EnrollmentCatalog {\n  enrollmentCatalog {\n    platform\n    methods {\n      method\n      displayName\n      resetRequired\n      userAffinity\n      locked\n      description\n      deviceEnrollmentTypes\n      source\n    }\n  }\n}": typeof types.EnrollmentCatalogDocument,
    "mutation CheckIn($deviceId: ID!) {\n  checkIn(deviceId: $deviceId) {\n    __typename\n    ... on CheckInSuccess {\n      device {\n        id\n        lastSyncDateTime\n        managementState\n      }\n    }\n    ...UserErrorFields\n  }\n}": typeof types.CheckInDocument,
    "query ManagedDevices($first: Int, $after: String, $filter: ManagedDeviceFilter, $orderBy: ManagedDeviceOrderField, $direction: OrderDirection) {\n  managedDevices(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n    direction: $direction\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ManagedDeviceFields\n      }\n    }\n  }\n}\n\nquery ManagedDevice($id: ID!) {\n  managedDevice(id: $id) {\n    ...ManagedDeviceFields\n    user {\n      id\n      userPrincipalName\n      displayName\n    }\n  }\n}": typeof types.ManagedDevicesDocument,
    "mutation EnrollDevice($input: EnrollDeviceInput!) {\n  enrollDevice(input: $input) {\n    __typename\n    ... on EnrollDeviceSuccess {\n      device {\n        ...ManagedDeviceFields\n      }\n    }\n    ...UserErrorFields\n  }\n}": typeof types.EnrollDeviceDocument,
    "fragment ManagedDeviceFields on ManagedDevice {\n  id\n  deviceName\n  platform\n  operatingSystem\n  osVersion\n  model\n  manufacturer\n  serialNumber\n  imei\n  managedDeviceOwnerType\n  enrollmentMethod\n  enrollmentType\n  managementState\n  enrolledDateTime\n  lastSyncDateTime\n  userPrincipalName\n}\n\nfragment UserErrorFields on UserError {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    violations {\n      field\n      rule\n      message\n    }\n  }\n  ... on NotFoundError {\n    id\n  }\n}": typeof types.ManagedDeviceFieldsFragmentDoc,
    "subscription DeviceCheckedIn($filter: DeviceEventFilter) {\n  deviceCheckedIn(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      id\n      deviceName\n      lastSyncDateTime\n    }\n  }\n}\n\nsubscription DeviceEnrolled($filter: DeviceEventFilter) {\n  deviceEnrolled(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      ...ManagedDeviceFields\n    }\n  }\n}": typeof types.DeviceCheckedInDocument,
};
const documents: Documents = {
    "query EnrollmentCatalog {\n  enrollmentCatalog {\n    platform\n    methods {\n      method\n      displayName\n      resetRequired\n      userAffinity\n      locked\n      description\n      deviceEnrollmentTypes\n      source\n    }\n  }\n}": types.EnrollmentCatalogDocument,
    "mutation CheckIn($deviceId: ID!) {\n  checkIn(deviceId: $deviceId) {\n    __typename\n    ... on CheckInSuccess {\n      device {\n        id\n        lastSyncDateTime\n        managementState\n      }\n    }\n    ...UserErrorFields\n  }\n}": types.CheckInDocument,
    "query ManagedDevices($first: Int, $after: String, $filter: ManagedDeviceFilter, $orderBy: ManagedDeviceOrderField, $direction: OrderDirection) {\n  managedDevices(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n    direction: $direction\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ManagedDeviceFields\n      }\n    }\n  }\n}\n\nquery ManagedDevice($id: ID!) {\n  managedDevice(id: $id) {\n    ...ManagedDeviceFields\n    user {\n      id\n      userPrincipalName\n      displayName\n    }\n  }\n}": types.ManagedDevicesDocument,
    "mutation EnrollDevice($input: EnrollDeviceInput!) {\n  enrollDevice(input: $input) {\n    __typename\n    ... on EnrollDeviceSuccess {\n      device {\n        ...ManagedDeviceFields\n      }\n    }\n    ...UserErrorFields\n  }\n}": types.EnrollDeviceDocument,
    "fragment ManagedDeviceFields on ManagedDevice {\n  id\n  deviceName\n  platform\n  operatingSystem\n  osVersion\n  model\n  manufacturer\n  serialNumber\n  imei\n  managedDeviceOwnerType\n  enrollmentMethod\n  enrollmentType\n  managementState\n  enrolledDateTime\n  lastSyncDateTime\n  userPrincipalName\n}\n\nfragment UserErrorFields on UserError {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    violations {\n      field\n      rule\n      message\n    }\n  }\n  ... on NotFoundError {\n    id\n  }\n}": types.ManagedDeviceFieldsFragmentDoc,
    "subscription DeviceCheckedIn($filter: DeviceEventFilter) {\n  deviceCheckedIn(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      id\n      deviceName\n      lastSyncDateTime\n    }\n  }\n}\n\nsubscription DeviceEnrolled($filter: DeviceEventFilter) {\n  deviceEnrolled(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      ...ManagedDeviceFields\n    }\n  }\n}": types.DeviceCheckedInDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EnrollmentCatalog {\n  enrollmentCatalog {\n    platform\n    methods {\n      method\n      displayName\n      resetRequired\n      userAffinity\n      locked\n      description\n      deviceEnrollmentTypes\n      source\n    }\n  }\n}"): (typeof documents)["query EnrollmentCatalog {\n  enrollmentCatalog {\n    platform\n    methods {\n      method\n      displayName\n      resetRequired\n      userAffinity\n      locked\n      description\n      deviceEnrollmentTypes\n      source\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CheckIn($deviceId: ID!) {\n  checkIn(deviceId: $deviceId) {\n    __typename\n    ... on CheckInSuccess {\n      device {\n        id\n        lastSyncDateTime\n        managementState\n      }\n    }\n    ...UserErrorFields\n  }\n}"): (typeof documents)["mutation CheckIn($deviceId: ID!) {\n  checkIn(deviceId: $deviceId) {\n    __typename\n    ... on CheckInSuccess {\n      device {\n        id\n        lastSyncDateTime\n        managementState\n      }\n    }\n    ...UserErrorFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ManagedDevices($first: Int, $after: String, $filter: ManagedDeviceFilter, $orderBy: ManagedDeviceOrderField, $direction: OrderDirection) {\n  managedDevices(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n    direction: $direction\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ManagedDeviceFields\n      }\n    }\n  }\n}\n\nquery ManagedDevice($id: ID!) {\n  managedDevice(id: $id) {\n    ...ManagedDeviceFields\n    user {\n      id\n      userPrincipalName\n      displayName\n    }\n  }\n}"): (typeof documents)["query ManagedDevices($first: Int, $after: String, $filter: ManagedDeviceFilter, $orderBy: ManagedDeviceOrderField, $direction: OrderDirection) {\n  managedDevices(\n    first: $first\n    after: $after\n    filter: $filter\n    orderBy: $orderBy\n    direction: $direction\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ManagedDeviceFields\n      }\n    }\n  }\n}\n\nquery ManagedDevice($id: ID!) {\n  managedDevice(id: $id) {\n    ...ManagedDeviceFields\n    user {\n      id\n      userPrincipalName\n      displayName\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation EnrollDevice($input: EnrollDeviceInput!) {\n  enrollDevice(input: $input) {\n    __typename\n    ... on EnrollDeviceSuccess {\n      device {\n        ...ManagedDeviceFields\n      }\n    }\n    ...UserErrorFields\n  }\n}"): (typeof documents)["mutation EnrollDevice($input: EnrollDeviceInput!) {\n  enrollDevice(input: $input) {\n    __typename\n    ... on EnrollDeviceSuccess {\n      device {\n        ...ManagedDeviceFields\n      }\n    }\n    ...UserErrorFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ManagedDeviceFields on ManagedDevice {\n  id\n  deviceName\n  platform\n  operatingSystem\n  osVersion\n  model\n  manufacturer\n  serialNumber\n  imei\n  managedDeviceOwnerType\n  enrollmentMethod\n  enrollmentType\n  managementState\n  enrolledDateTime\n  lastSyncDateTime\n  userPrincipalName\n}\n\nfragment UserErrorFields on UserError {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    violations {\n      field\n      rule\n      message\n    }\n  }\n  ... on NotFoundError {\n    id\n  }\n}"): (typeof documents)["fragment ManagedDeviceFields on ManagedDevice {\n  id\n  deviceName\n  platform\n  operatingSystem\n  osVersion\n  model\n  manufacturer\n  serialNumber\n  imei\n  managedDeviceOwnerType\n  enrollmentMethod\n  enrollmentType\n  managementState\n  enrolledDateTime\n  lastSyncDateTime\n  userPrincipalName\n}\n\nfragment UserErrorFields on UserError {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    violations {\n      field\n      rule\n      message\n    }\n  }\n  ... on NotFoundError {\n    id\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription DeviceCheckedIn($filter: DeviceEventFilter) {\n  deviceCheckedIn(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      id\n      deviceName\n      lastSyncDateTime\n    }\n  }\n}\n\nsubscription DeviceEnrolled($filter: DeviceEventFilter) {\n  deviceEnrolled(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      ...ManagedDeviceFields\n    }\n  }\n}"): (typeof documents)["subscription DeviceCheckedIn($filter: DeviceEventFilter) {\n  deviceCheckedIn(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      id\n      deviceName\n      lastSyncDateTime\n    }\n  }\n}\n\nsubscription DeviceEnrolled($filter: DeviceEventFilter) {\n  deviceEnrolled(filter: $filter) {\n    deviceId\n    platform\n    managedDeviceOwnerType\n    enrollmentMethod\n    userPrincipalName\n    occurredAt\n    device {\n      ...ManagedDeviceFields\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;