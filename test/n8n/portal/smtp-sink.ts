/**
 * A tiny SMTP server for the portal's e2e: n8n's Send Email node delivers to it, the test reads
 * the messages. Plain SMTP on loopback (no TLS, no AUTH), just what nodemailer needs.
 */
import * as net from 'node:net';

export interface SmtpMessage {
	from: string;
	to: string[];
	/** The raw message (headers and body) as received. */
	raw: string;
	/** The text body, quoted-printable decoded. */
	text: string;
	subject: string;
}

export interface SmtpSink {
	port: number;
	messages: SmtpMessage[];
	close(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
	const bytes = Buffer.from(
		body
			.replace(/=\r?\n/g, '')
			.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
		'latin1',
	);
	return bytes.toString('utf8');
}

function parseMessage(from: string, to: string[], raw: string): SmtpMessage {
	const split = raw.indexOf('\r\n\r\n');
	const headers = split < 0 ? raw : raw.slice(0, split);
	const body = split < 0 ? '' : raw.slice(split + 4);
	const unfolded = headers.replace(/\r\n[ \t]+/g, ' ');
	const header = (name: string) =>
		new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? '';
	const encoding = header('Content-Transfer-Encoding').toLowerCase();
	let text = body;
	if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
	else if (encoding === 'base64') text = Buffer.from(body, 'base64').toString('utf8');
	return { from, to, raw, text, subject: header('Subject') };
}

export async function startSmtpSink(
	options: { onMessage?: (message: SmtpMessage) => void } = {},
): Promise<SmtpSink> {
	const messages: SmtpMessage[] = [];
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		let buffer = '';
		let inData = false;
		let from = '';
		let to: string[] = [];
		const reply = (line: string) => socket.write(`${line}\r\n`);
		reply('220 portal-sink ESMTP');
		socket.on('data', (chunk) => {
			buffer += chunk.toString('latin1');
			for (;;) {
				if (inData) {
					const end = buffer.indexOf('\r\n.\r\n');
					if (end < 0) return;
					const raw = Buffer.from(buffer.slice(0, end), 'latin1')
						.toString('utf8')
						.replace(/^\.\./gm, '.');
					buffer = buffer.slice(end + 5);
					inData = false;
					const message = parseMessage(from, to, raw);
					messages.push(message);
					options.onMessage?.(message);
					reply('250 OK: queued');
					continue;
				}
				const eol = buffer.indexOf('\r\n');
				if (eol < 0) return;
				const line = buffer.slice(0, eol);
				buffer = buffer.slice(eol + 2);
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO') {
					reply('250-portal-sink');
					reply('250 8BITMIME');
				} else if (verb === 'HELO') reply('250 portal-sink');
				else if (verb === 'MAIL') {
					from = /<([^>]*)>/.exec(line)?.[1] ?? '';
					to = [];
					reply('250 OK');
				} else if (verb === 'RCPT') {
					to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
					reply('250 OK');
				} else if (verb === 'DATA') {
					inData = true;
					reply('354 End data with <CR><LF>.<CR><LF>');
				} else if (verb === 'QUIT') {
					reply('221 Bye');
					socket.end();
					return;
				} else reply('250 OK');
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		port: (server.address() as net.AddressInfo).port,
		messages,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
