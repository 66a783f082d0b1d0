/** The base URLs of the API, and the one rule for a custom one (the credential uses both). */
import type { IDataObject } from 'n8n-workflow';

import type { Platform } from './types';

export const BASE_URLS: Record<Platform, string> = {
	sandbox: 'https://sandbox.contrat-prive.com/api',
	production: 'https://www.contrat-prive.com/api',
};

/** `text` in any letter case, for a regex without flags (the editor's conditions take none). */
const anyCase = (text: string) =>
	[...text].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');

/**
 * The custom base URLs accepted, as a regex source: https:// on any host, or http:// on a
 * loopback host (localhost, 127.x.x.x, [::1]); any letter case, spaces around allowed. The node,
 * the credential's test request and the credential form all apply this one regex.
 */
export const ACCEPTED_BASE_URL = `^\\s*(${anyCase('https')}://|${anyCase('http')}://(${anyCase('localhost')}|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\])(:\\d+)?(/|\\s*$))`;

/**
 * The base URL the credential points at, or the problem with its custom URL: not a URL, or
 * neither https nor on a loopback host.
 */
export function resolveBaseUrl(credentials: IDataObject): { url: string } | { problem: string } {
	const platform = credentials.platform as string;
	if (platform === 'sandbox' || platform === 'production') return { url: BASE_URLS[platform] };

	const raw = String(credentials.baseUrl ?? '').trim();
	if (!URL.canParse(raw)) {
		return { problem: `The credential's Base URL "${raw}" is not a valid URL` };
	}
	if (!new RegExp(ACCEPTED_BASE_URL).test(raw)) {
		return {
			problem: `The credential's Base URL must use https:// (plain http:// is only allowed on localhost, 127.0.0.1 or [::1]); got "${raw}"`,
		};
	}
	return { url: raw.replace(/\/+$/, '') };
}
