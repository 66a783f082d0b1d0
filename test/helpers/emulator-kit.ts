/**
 * The base test kit: one emulator per test file, emptied before each test, and clients for its
 * API and control routes over real HTTP. The node, trigger and emulator kits extend it.
 */
import type { Emulator, Platform } from '../emulator';
import type { WireReply } from '../emulator/wire-reply';
import { startEmulator } from '../emulator';
import type { Keys } from '../fixtures/accounts';
import { KEYS } from '../fixtures/accounts';
import type { ContratPriveCredentials } from './credentials';

/**
 * An HTTP answer: the status, the body parsed as JSON (or its text when not JSON), headers. By
 * default the body is read as one of the emulator's replies.
 */
export interface Reply<T = WireReply> {
	status: number;
	body: T;
	text: string;
	headers: Headers;
}

export interface EmulatorKitOptions {
	/** The emulator's clock at the start of each test (ISO); default: real time. */
	now?: string;
	/** The host to listen on; default 127.0.0.1 ('::': every interface). */
	host?: string;
	/** Fail a test during which the emulator hit an internal error (a bug of the emulator). */
	failOnInternalErrors?: boolean;
}

export interface EmulatorKit {
	readonly emulator: Emulator;
	/** POSTs `body` to an API request; the API keys are added only when `keys` is given. */
	api(platform: Platform, requestName: string, body: unknown, keys?: Keys | null): Promise<Reply>;
	/** A request to the emulator's control routes (`/_control…`). */
	control(method: string, path: string, body?: unknown): Promise<Reply>;
	/** Any request to the emulator. */
	raw(path: string, init: RequestInit): Promise<Reply>;
	/** A custom-URL credential on the emulator's `platform`: its demo keys, or `keys`. */
	credentials(platform?: Platform, keys?: Keys): ContratPriveCredentials & { platform: 'custom' };
}

async function toReply(response: Response): Promise<Reply> {
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: keep the text
	}
	// The emulator's JSON is the wire format; a test of a page that is not JSON reads `text`.
	return { status: response.status, body: body as WireReply, text, headers: response.headers };
}

/** Starts an emulator for the test file; resets its state and clock before each test. */
export function useEmulator(options: EmulatorKitOptions = {}): EmulatorKit {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ port: 0, host: options.host, now: options.now });
	});
	afterAll(async () => {
		await emulator?.close();
	});
	beforeEach(() => {
		emulator!.reset();
		emulator!.clock.set(options.now ?? new Date());
	});
	if (options.failOnInternalErrors) {
		afterEach(() => {
			expect(emulator!.internalErrors).toEqual([]);
		});
	}

	const raw = async (path: string, init: RequestInit) =>
		await toReply(await fetch(`${emulator!.url}${path}`, init));

	return {
		get emulator() {
			return emulator!;
		},
		api: async (platform, requestName, body, keys) =>
			await raw(`/${platform}/api/${requestName}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body:
					typeof body === 'string'
						? body
						: JSON.stringify(keys ? { ...keys, ...(body as object) } : body),
			}),
		control: async (method, path, body) =>
			await raw(`/_control${path}`, {
				method,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			}),
		raw,
		credentials: (platform = 'sandbox', keys) => ({
			platform: 'custom',
			baseUrl: emulator!.baseUrls[platform],
			...(keys ?? KEYS[platform]),
		}),
	};
}

/** `base` with more members (`base` stays its prototype: a spread would read `emulator` too early). */
export function extendKit<Base extends EmulatorKit, Extra extends object>(
	base: Base,
	extra: Extra & ThisType<Base & Extra>,
): Base & Extra {
	return Object.assign(Object.create(base) as Base, extra);
}
