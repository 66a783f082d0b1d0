import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { QUOTA_TEXT } from '../nodes/ContratPrive/transport/types';
import { ACCEPTED_BASE_URL, BASE_URLS } from '../nodes/ContratPrive/transport/urls';

// The transport's rule (resolveBaseUrl) as an expression, on the Base URL trimmed. A refused URL
// is replaced by a reserved host that cannot resolve, so the test never sends the keys there.
const CUSTOM_BASE_URL = "String($credentials.baseUrl || '').trim()";
const CUSTOM_BASE_URL_ALLOWED = `/${ACCEPTED_BASE_URL.replace(/\//g, '\\/')}/.test(${CUSTOM_BASE_URL})`;
const REFUSED_BASE_URL = 'https://base-url-must-use-https-or-a-loopback-host.invalid';

export class ContratPriveApi implements ICredentialType {
	name = 'contratPriveApi';

	displayName = 'Contrat-Privé API';

	icon = { light: 'file:contratPrive.svg', dark: 'file:contratPrive.dark.svg' } as const;

	documentationUrl =
		'https://github.com/n8n-nodes-contrat-prive/n8n-nodes-contrat-prive#credentials';

	properties: INodeProperties[] = [
		{
			displayName:
				'Find both keys under API in your Contrat-Privé owner account; a key pair works on one platform only.',
			name: 'keysNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Platform',
			name: 'platform',
			type: 'options',
			options: [
				{
					name: 'Sandbox',
					value: 'sandbox',
					description:
						'Free test platform: SMS code is always 0000, signed PDFs carry a TEST watermark',
				},
				{
					name: 'Production',
					value: 'production',
					description: `Legally binding signatures, ${QUOTA_TEXT} API requests per day`,
				},
				{
					name: 'Custom URL',
					value: 'custom',
					description: 'Another base URL, such as the local sandbox emulator',
				},
			],
			default: 'sandbox',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8787/sandbox/api',
			description: 'Must use https://, except on a loopback host (localhost, 127.0.0.1, [::1])',
			required: true,
			displayOptions: { show: { platform: ['custom'] } },
		},
		{
			displayName:
				'This Base URL is refused: it must start with https:// (http:// only on localhost, 127.0.0.1 or [::1]).',
			name: 'baseUrlRefusedNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: { platform: ['custom'] },
				hide: {
					baseUrl: ['', { _cnd: { regex: ACCEPTED_BASE_URL } }, { _cnd: { startsWith: '=' } }],
				},
			},
		},
		{
			displayName: 'API User',
			name: 'apiUser',
			type: 'string',
			default: '',
			description: 'The public key of the owner account ("apiUser")',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The private key of the owner account ("apiKey")',
			required: true,
		},
	];

	// The assumed wire contract carries the keys in the JSON body (see the transport's wire-contract.md).
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			body: {
				apiKey: '={{$credentials.apiKey}}',
				apiUser: '={{$credentials.apiUser}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ $credentials.platform === 'production' ? '${BASE_URLS.production}' : $credentials.platform === 'custom' ? (${CUSTOM_BASE_URL_ALLOWED} ? ${CUSTOM_BASE_URL}.replace(/\\/+$/, '') : '${REFUSED_BASE_URL}') : '${BASE_URLS.sandbox}' }}`,
			url: '/checkConnexionRequest',
			method: 'POST',
			body: {},
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'WRONG_PLATFORM',
					message:
						'These keys belong to the other platform: a Contrat-Privé key pair works on one platform only. Pick the platform the keys were created on.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'INVALID_CREDENTIALS',
					message:
						'Contrat-Privé does not know this key pair. Copy API User and API Key again from your owner account.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'DAILY_QUOTA_EXCEEDED',
					message: `The keys are valid, but the daily quota of ${QUOTA_TEXT} production requests is used up. It resets at midnight, Paris time.`,
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'INTERNAL_ERROR',
					message: 'Contrat-Privé answered with a server error. Try again later.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'platform',
					value: undefined,
					message:
						'This URL did not answer like the Contrat-Privé API. Check the platform or the base URL.',
				},
			},
		],
	};
}
