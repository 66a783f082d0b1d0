/**
 * The one rule for a custom Base URL (transport/urls.ts), held on one list of URLs by every
 * place that applies it: the node (resolveBaseUrl), the credential's test request (its baseURL
 * expression) and the credential form's notice (the editor's displayOptions, computed with
 * n8n-workflow's NodeHelpers as the editor does). test/node/credential.test.ts runs the
 * credential test and the node for real against the emulator on a few of them.
 */
import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ContratPriveApi } from '../../credentials/ContratPriveApi.credentials';
import { BASE_URLS, resolveBaseUrl } from '../../nodes/ContratPrive/transport/urls';

const BASE_URL_LIST: Array<[url: string, verdict: 'accepted' | 'refused']> = [
	['https://api.example.com/api', 'accepted'],
	['HTTPS://API.EXAMPLE.COM', 'accepted'],
	[' https://api.example.com ', 'accepted'],
	['http://127.0.0.1:8787/sandbox/api', 'accepted'],
	['  http://127.0.0.1:8787/sandbox/api/ ', 'accepted'],
	['http://127.10.20.30/api', 'accepted'],
	['http://localhost:8787', 'accepted'],
	['http://LocalHost/api', 'accepted'],
	['HTTP://LOCALHOST:8787/sandbox/api', 'accepted'],
	['http://[::1]:8787/api', 'accepted'],
	['http://example.com/api', 'refused'],
	['http://10.0.0.5/api', 'refused'],
	['http://192.168.1.20:8787/sandbox/api', 'refused'],
	['http://localhost.example.com/api', 'refused'],
	['http://127.0.0.1.example.com/api', 'refused'],
	['ftp://127.0.0.1/api', 'refused'],
	['127.0.0.1:8787', 'refused'],
	['not a url', 'refused'],
];

const credential = new ContratPriveApi();

/** The URL the credential's test request is sent to: its expression is plain JavaScript. */
function credentialTestUrl(credentials: INodeParameters): string {
	const expression = String(credential.test.request.baseURL);
	const body = expression.replace(/^=\{\{/, '').replace(/\}\}$/, '');
	return new Function('$credentials', `return (${body});`)(credentials) as string;
}

const notice = credential.properties.find((p) => p.name === 'baseUrlRefusedNotice')!;
const noticeShown = (values: INodeParameters) =>
	NodeHelpers.displayParameter(values, notice, null, null);

describe('the custom Base URL rule, on one list', () => {
	test.each(BASE_URL_LIST)(
		'%s: %s by the node, the credential test and the form',
		(baseUrl, verdict) => {
			const credentials = { platform: 'custom', baseUrl };
			const node = resolveBaseUrl(credentials);
			const refused = verdict === 'refused';

			expect('problem' in node).toBe(refused);
			expect(credentialTestUrl(credentials)).toBe(
				refused
					? 'https://base-url-must-use-https-or-a-loopback-host.invalid'
					: baseUrl.trim().replace(/\/+$/, ''),
			);
			expect(noticeShown(credentials)).toBe(refused);
		},
	);

	test('the platforms: the same base URLs in the node and the credential test', () => {
		for (const platform of ['sandbox', 'production'] as const) {
			expect(resolveBaseUrl({ platform })).toEqual({ url: BASE_URLS[platform] });
			expect(credentialTestUrl({ platform })).toBe(BASE_URLS[platform]);
		}
	});

	test('the notice is not shown while the field is empty or an expression, nor on the platforms', () => {
		expect(noticeShown({ platform: 'custom', baseUrl: '' })).toBe(false);
		expect(noticeShown({ platform: 'custom', baseUrl: '={{ $vars.url }}' })).toBe(false);
		expect(noticeShown({ platform: 'production', baseUrl: 'http://example.com' })).toBe(false);
	});
});
