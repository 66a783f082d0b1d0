import type { AllEntities } from 'n8n-workflow';

export type NodeMap = {
	connection: 'check';
	contract: 'create' | 'get' | 'getMany' | 'cancel';
	signatory: 'sendSms' | 'sendSmsToAll' | 'sign';
};

export type ContratPriveType = AllEntities<NodeMap>;
