/** The base URLs of the API, and the rule for a custom one. */
import type { IDataObject } from 'n8n-workflow';

import type { Platform } from './types';

export const BASE_URLS: Record<Platform, string> = {
	sandbox: 'https://sandbox.contrat-prive.com/api',
	production: 'https://www.contrat-prive.com/api',
};

const LOOPBACK_HOSTS = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * The base URL the credential points at; custom URLs must be https, except on loopback.
 * Returns a problem text instead of a URL when the credential's URL is not acceptable.
 */
export function resolveBaseUrl(credentials: IDataObject): { url: string } | { problem: string } {
	const platform = credentials.platform as string;
	if (platform === 'sandbox' || platform === 'production') return { url: BASE_URLS[platform] };

	const raw = String(credentials.baseUrl ?? '').trim();
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { problem: `The credential's Base URL "${raw}" is not a valid URL` };
	}
	const loopback = LOOPBACK_HOSTS.test(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		return {
			problem: `The credential's Base URL must use https:// (plain http:// is only allowed on localhost, 127.0.0.1 or [::1]); got "${raw}"`,
		};
	}
	return { url: raw.replace(/\/+$/, '') };
}
