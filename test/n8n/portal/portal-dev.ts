/**
 * `npm run dev` and the portal examples (recipe 4): the link secret and an SMTP credential on a
 * local mail sink whose messages (the personal links) are printed, and the portal workflows
 * re-imported with the links pointing at this n8n.
 */
import type { Emulator } from '../../emulator';
import type { N8nRuntime } from '../ensure-n8n';
import { loadExample } from '../examples';
import type { UserFolder } from '../n8n-cli';
import { importCredentials, importWorkflow } from '../n8n-cli';
import { EXAMPLE_N8N_ORIGIN, portalLinkCredential, portalSmtpCredential } from './portal-examples';
import type { SmtpSink } from './smtp-sink';
import { startSmtpSink } from './smtp-sink';

/** Prints each e-mail the Send Email node sends, and returns the sink (close it at the end). */
export async function setUpPortalForDev(
	rt: N8nRuntime,
	folder: UserFolder,
	sb: Emulator,
	n8nPort: number,
	say: (line: string) => void,
): Promise<SmtpSink> {
	const sink = await startSmtpSink({
		onMessage: (m) => say(`e-mail to ${m.to.join(', ')}: ${m.subject}\n${m.text.trim()}\n`),
	});
	await importCredentials(rt, folder, [portalLinkCredential(), portalSmtpCredential(sink.port)]);
	const origin = `http://127.0.0.1:${n8nPort}`;
	for (const name of [
		'portalLinks',
		'portalSign',
		'portalDocument',
		'portalSelfService',
	] as const) {
		const text = JSON.stringify(loadExample(name, sb.url)).split(EXAMPLE_N8N_ORIGIN).join(origin);
		await importWorkflow(rt, folder, JSON.parse(text));
	}
	say(
		`portal: mail sink on 127.0.0.1:${sink.port} (credential "Portal SMTP"); run "portal, send personal links" and open a link printed here`,
	);
	return sink;
}
