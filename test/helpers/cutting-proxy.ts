/**
 * A TCP proxy in front of the emulator that breaks a connection part-way through a body: it
 * drops or stalls the request after so many bytes went up (mid-upload), or the reply after so
 * many bytes came down (mid-download). The emulator's own faults act once a request has fully
 * arrived; these act while a streamed body is still on the wire. Each rule applies to the next
 * request(s) whose path names the API request; other connections pass through untouched.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

export interface Cut {
	/** The API request it applies to, e.g. 'contractCreateRequest'. */
	requestName: string;
	/** Which way the bytes are cut. */
	direction: 'upload' | 'download';
	/** Bytes let through (in that direction) before the cut. */
	after: number;
	/** Drop both connections, or stop forwarding (the client times out). */
	how: 'drop' | 'stall';
	/** How many requests it applies to; default 1. */
	times?: number;
}

export interface CuttingProxy {
	/** Base URL of a platform through the proxy, e.g. http://127.0.0.1:1234/sandbox/api. */
	url(target: string): string;
	cut(rule: Cut): void;
	/** The cuts made so far, in order: `requestName direction how`. */
	readonly made: string[];
	close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
	const rules: Array<Cut & { left: number }> = [];
	const made: string[] = [];
	const sockets = new Set<Socket>();

	const server: Server = createServer((client) => {
		const upstream = connect(targetPort, '127.0.0.1');
		sockets.add(client).add(upstream);
		client.on('close', () => sockets.delete(client));
		upstream.on('close', () => sockets.delete(upstream));
		const end = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end);
		upstream.on('error', end);

		let rule: (Cut & { left: number }) | undefined;
		let head = '';
		let decided = false;
		let sentUp = 0;
		let sentDown = 0;
		let stalled = false;

		const apply = (direction: Cut['direction'], chunk: Buffer, sent: number, to: Socket) => {
			if (stalled) return;
			if (!rule || rule.direction !== direction || sent + chunk.length <= rule.after) {
				to.write(chunk);
				return;
			}
			to.write(chunk.subarray(0, Math.max(0, rule.after - sent)));
			made.push(`${rule.requestName} ${direction} ${rule.how}`);
			if (rule.how === 'drop') {
				// Let the bytes written so far leave, then break both connections.
				to.end(() => end());
				setTimeout(end, 50);
			} else {
				// Nothing more is read or written: the client's socket goes quiet, as over a dead link.
				stalled = true;
				if (direction === 'upload') client.pause();
			}
		};

		client.on('data', (chunk: Buffer) => {
			if (!decided) {
				head += chunk.toString('latin1');
				const line = head.split('\r\n')[0];
				if (head.includes('\r\n')) {
					decided = true;
					rule = rules.find((candidate) => line.includes(`/${candidate.requestName} `));
					if (rule) {
						rule.left -= 1;
						if (rule.left <= 0) rules.splice(rules.indexOf(rule), 1);
					}
				}
			}
			apply('upload', chunk, sentUp, upstream);
			sentUp += chunk.length;
		});
		upstream.on('data', (chunk: Buffer) => {
			apply('download', chunk, sentDown, client);
			sentDown += chunk.length;
		});
		// A stalled connection stays open and silent whatever the other side does.
		client.on('end', () => stalled || upstream.end());
		upstream.on('end', () => stalled || client.end());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: (target) => target.replace(/:\d+\//, `:${port}/`),
		cut: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
		made,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
