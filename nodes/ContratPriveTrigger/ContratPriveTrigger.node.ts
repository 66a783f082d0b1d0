import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DEFAULT_PRODUCTION_INTERVAL_MINUTES } from '../ContratPrive/trigger/pacing';
import { pollContratPrive } from '../ContratPrive/trigger/poll';
import {
	DEFAULT_POLL_TIMEOUT_MS,
	MAX_POLL_TIMEOUT_MS,
	V1_DEFAULT_TIMEOUT_SECONDS,
} from '../ContratPrive/trigger/settings';
import { QUOTA_TEXT } from '../ContratPrive/transport';

export class ContratPriveTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Contrat-Privé Trigger',
		name: 'contratPriveTrigger',
		icon: { light: 'file:contratPrive.svg', dark: 'file:contratPrive.dark.svg' },
		group: ['trigger'],
		// 1.1: the timeout option is in milliseconds, as in the action node (see trigger/settings.ts).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when Contrat-Privé contracts are created, sent, signed, cancelled or expire (polling)',
		defaults: {
			name: 'Contrat-Privé Trigger',
		},
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'contratPriveApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: `Production allows ${QUOTA_TEXT} requests a day unless Contrat-Privé raised the account's limit, so there the trigger polls at most every ${DEFAULT_PRODUCTION_INTERVAL_MINUTES} minutes at that limit, more often at a higher one (see Options).`,
				name: 'quotaNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Trigger On',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['contractSigned'],
				description: 'The contract changes that start the workflow, one item per change',
				options: [
					{
						name: 'Contract Cancelled',
						value: 'contractCancelled',
						description: 'The owner cancelled a contract that was out for signature',
					},
					{
						name: 'Contract Created',
						value: 'contractCreated',
						description: 'A contract was created, as a draft or sent at once',
					},
					{
						name: 'Contract Expired',
						value: 'contractExpired',
						description: 'The deadline passed before everyone signed (drafts too)',
					},
					{
						name: 'Contract Sent',
						value: 'contractSent',
						description:
							'A contract went out for signature: sent at creation, or a draft validated on the website',
					},
					{
						name: 'Contract Signed',
						value: 'contractSigned',
						description: 'Every signatory has signed; the signed PDF is available',
					},
					{
						name: 'Signatory Signed',
						value: 'signatorySigned',
						description: 'One signatory signed (one item per signatory)',
					},
				],
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Label Contains',
						name: 'labelContains',
						type: 'string',
						default: '',
						description: 'Only contracts whose label contains this text (case-insensitive)',
					},
					{
						displayName: 'Reference Contains',
						name: 'referenceContains',
						type: 'string',
						default: '',
						description: 'Only contracts whose reference contains this text (case-insensitive)',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Signed Document',
						name: 'downloadSignedDocument',
						type: 'boolean',
						default: false,
						description:
							'Whether to attach the signed PDF to "Contract Signed" items, as binary property "signedDocument" (1 more request per signed contract)',
					},
					{
						displayName: 'Minimum Interval on Production (Minutes)',
						name: 'productionInterval',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1440 },
						default: DEFAULT_PRODUCTION_INTERVAL_MINUTES,
						description: `On production, polls that come sooner than this after the last one are skipped without a request, to save the daily quota; when not set, ${DEFAULT_PRODUCTION_INTERVAL_MINUTES} minutes at ${QUOTA_TEXT} requests a day, shorter in proportion to a raised limit`,
					},
					{
						displayName: 'Timeout',
						name: 'requestTimeout',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_POLL_TIMEOUT_MS, numberPrecision: 0 },
						default: DEFAULT_POLL_TIMEOUT_MS,
						displayOptions: { hide: { '@version': [1] } },
						description: 'Milliseconds Contrat-Privé may stay silent before a request is given up',
					},
					{
						displayName: 'Timeout (Seconds)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_POLL_TIMEOUT_MS / 1000 },
						default: V1_DEFAULT_TIMEOUT_SECONDS,
						displayOptions: { show: { '@version': [1] } },
						description: 'Seconds to wait for each answer of Contrat-Privé',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollContratPrive.call(this);
	}
}
