import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique, type Opt, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ManagementAgent } from '../device/device.enums.js';

/** Where Exchange runs (seed: "either on-premises or cloud-hosted"). */
export enum ExchangeConnectorType {
  onPremises = 'onPremises',
  hosted = 'hosted',
}
registerEnumType(ExchangeConnectorType, {
  name: 'ExchangeConnectorType',
  description: 'Graph `deviceManagementExchangeConnectorType`: onPremises or hosted.',
});

/** Graph `deviceManagementExchangeConnectorStatus`, reduced. */
export enum ExchangeConnectorStatus {
  connected = 'connected',
  disconnected = 'disconnected',
}
registerEnumType(ExchangeConnectorStatus, { name: 'ExchangeConnectorStatus' });

/** Access state under the EAS MDM policy (Graph `deviceManagementExchangeAccessState`). */
export enum ExchangeAccessState {
  allowed = 'allowed',
  blocked = 'blocked',
  quarantined = 'quarantined',
}
registerEnumType(ExchangeAccessState, {
  name: 'ExchangeAccessState',
  description: 'allowed, blocked or quarantined under the EAS MDM policy.',
});

/** An Exchange connector (seed: "Intune uses an Exchange Connector to communicate with EAS"). */
@ObjectType({ description: 'An Exchange connector (Graph deviceManagementExchangeConnector).' })
@Entity({ tableName: 'exchange_connector' })
export class ExchangeConnector {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Exchange server or tenant name, 1-256 characters.' })
  @Property({ type: 'string', length: 256 })
  serverName!: string;

  @Field(() => ExchangeConnectorType)
  @Enum({ items: () => ExchangeConnectorType })
  exchangeConnectorType!: ExchangeConnectorType;

  @Field(() => ExchangeConnectorStatus)
  @Enum({ items: () => ExchangeConnectorStatus, default: ExchangeConnectorStatus.connected })
  status: ExchangeConnectorStatus & Opt = ExchangeConnectorStatus.connected;

  @Field(() => Date, { nullable: true, description: 'When the connector last reported its partnerships.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastSyncDateTime: Date | null = null;
}

/**
 * A mobile device known only through an Exchange ActiveSync partnership (seed: "Mobile devices
 * that aren't enrolled, but that connect to EAS, can be managed by Intune using EAS MDM policy").
 * Managed through the connector (`managementAgent` eas), not enrolled. When it enrolls later,
 * the enrolled record is linked to it (`easActivated`, `easDeviceId`), never duplicated.
 */
@ObjectType({
  description: 'A device known through an Exchange ActiveSync partnership (managementAgent eas).',
})
@Entity({ tableName: 'eas_device' })
@Unique({ properties: ['connector', 'easDeviceId'] })
export class EasDevice {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ExchangeConnector, { ref: true, deleteRule: 'cascade' })
  connector!: Ref<ExchangeConnector>;

  @Field({ description: 'EAS device id (Graph `easDeviceId`).' })
  @Property({ type: 'string', length: 128 })
  easDeviceId!: string;

  @Field({ description: 'UPN of the mailbox user.' })
  @Property({ type: 'string', length: 320 })
  userPrincipalName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  deviceType: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  operatingSystem: string | null = null;

  @Field(() => Date, {
    nullable: true,
    description: 'Last EAS sync of the device (Graph `exchangeLastSuccessfulSyncDateTime`).',
  })
  @Property({ type: 'timestamptz', nullable: true })
  lastSyncDateTime: Date | null = null;

  @Field(() => ExchangeAccessState, { description: 'Access under the EAS MDM policy; set by admins.' })
  @Enum({ items: () => ExchangeAccessState, default: ExchangeAccessState.allowed })
  accessState: ExchangeAccessState & Opt = ExchangeAccessState.allowed;

  @Field(() => ManagementAgent, { description: 'Always `eas`: managed through the connector, not enrolled.' })
  get managementAgent(): ManagementAgent {
    return ManagementAgent.eas;
  }

  @Field(() => String, {
    nullable: true,
    description: 'The enrolled managed device this partnership was linked to, if it enrolled.',
  })
  @Property({ type: 'uuid', nullable: true })
  linkedDeviceId: string | null = null;
}
