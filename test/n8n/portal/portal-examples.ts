/**
 * What the portal examples (recipe 4) need beside the Contrat-Privé credential: the secret that
 * signs the personal links (a JWT credential) and an SMTP server for n8n's Send Email node.
 */
import type { CredentialImport } from '../n8n-cli';

/** The n8n origin written in the example files (the public URL of the links). */
export const EXAMPLE_N8N_ORIGIN = 'http://localhost:5678';

/** The form the personal links open, and the webhook that serves the original PDF. */
export const PORTAL_FORM_PATH = 'form/contrat-prive/portal';
export const PORTAL_DOCUMENT_PATH = 'webhook/contrat-prive/portal/document';
/** The public form of the self-service example. */
export const PORTAL_JOIN_PATH = 'form/contrat-prive/portal/join';

/**
 * "Portal link secret": HS256 key of the links. A development value; on a real instance put a
 * long random one (e.g. `openssl rand -base64 48`) in the credential.
 */
export function portalLinkCredential(
	secret = 'dev-only-portal-secret-change-me',
): CredentialImport {
	return {
		id: 'contratPrivePortalKey',
		name: 'Portal link secret',
		type: 'jwtAuth',
		data: { keyType: 'passphrase', secret, algorithm: 'HS256' },
	};
}

/** "Portal SMTP": plain SMTP on loopback (a test sink, or a local relay in development). */
export function portalSmtpCredential(port: number, host = '127.0.0.1'): CredentialImport {
	return {
		id: 'contratPrivePortalSmtp',
		name: 'Portal SMTP',
		type: 'smtp',
		data: { user: '', password: '', host, port, secure: false, disableStartTls: true },
	};
}
