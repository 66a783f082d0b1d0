/**
 * HTTP layer (fastify): the API of both platforms, the website (website/),
 * the control API, fault injection, the request log and error mapping.
 */
import type { Socket } from 'net';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiResult, handleApi } from './api';
import { iso } from './clock';
import {
	addFault,
	controlClock,
	internalView,
	parseQuotaBody,
	parseSeedBody,
	payDeposit,
	seed,
	setQuota,
	signOnWebsite,
	takeFault,
	validateDraft,
} from './control';
import { ApiError, internalError } from './errors';
import { JsonObject, isObject } from './rules/validation';
import { Fault, Platform, RequestLogEntry, isPlatform } from './store';
import { registerSamples } from './samples';
import { registerWebsite } from './website';
import { Env } from './workflow';
import { parseNetwork, requestTiming } from './network';

/** Server body limit: a 20 MB document and its annexes, base64-encoded. */
export const BODY_LIMIT = 150 * 1024 * 1024;
/** A held ("timeout" fault) connection is destroyed after this at the latest. */
export const HOLD_MAX_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const API_ROUTE = '/:platform/api/:requestName';

interface Params {
	platform: string;
	requestName: string;
}

interface Tracked {
	sbAt?: number;
	sbLogged?: boolean;
	/** Network model: arrival and when the answer may leave (performance.now()), the modelled
	 * delay, and the time the answer really took (longer when the emulator itself was slower). */
	sbArrivedAt?: number;
	sbReleaseAt?: number;
	sbDelayMs?: number;
	sbServerMs?: number;
}

const BAD_GATEWAY_HTML =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export interface SandboxServer {
	app: FastifyInstance;
	/** Destroys connections held by "timeout" faults. */
	releaseHeld(): void;
}

export function createServer(env: Env): SandboxServer {
	const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, forceCloseConnections: true });
	const held = new Map<Socket, NodeJS.Timeout>();
	let inFlight = 0;
	let peakInFlight = 0;

	const record = (e: Error) => {
		env.store.internalErrors.push(e);
		console.error('[contrat-prive sandbox] internal error (a bug):', e);
	};

	const toResult = (e: unknown): ApiResult => {
		if (e instanceof ApiError) return { status: e.status, body: e.toBody() };
		record(e instanceof Error ? e : new Error(String(e)));
		const ie = internalError();
		return { status: ie.status, body: ie.toBody() };
	};

	const logRequest = (
		req: FastifyRequest,
		platform: Platform,
		requestName: string,
		status: number,
		fault?: Fault,
	) => {
		const t = req as unknown as Tracked;
		if (t.sbLogged) return;
		t.sbLogged = true;
		const entry: RequestLogEntry = {
			platform,
			requestName,
			status,
			at: iso(t.sbAt ?? env.clock.nowMs()),
		};
		if (fault) entry.fault = fault.kind;
		if (t.sbDelayMs !== undefined) entry.delayMs = Math.round(t.sbDelayMs * 10) / 10;
		if (t.sbServerMs !== undefined) entry.serverMs = Math.round(t.sbServerMs * 10) / 10;
		env.store.requests.push(entry);
	};

	// Bodies are read raw and parsed by the handlers, so that a body that is
	// not JSON gets the documented VALIDATION_ERROR.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

	app.addHook('onRequest', async (req) => {
		(req as unknown as Tracked).sbAt = env.clock.nowMs();
	});
	// Network model: the answer waits until the request's modelled delay has passed.
	app.addHook('onSend', async (req, _reply, payload) => {
		const t = req as unknown as Tracked;
		if (t.sbReleaseAt === undefined || t.sbArrivedAt === undefined) return payload;
		const wait = t.sbReleaseAt - performance.now();
		if (wait > 0) await sleep(wait);
		t.sbServerMs = performance.now() - t.sbArrivedAt;
		return payload;
	});
	app.addHook('onResponse', async (req, reply) => {
		const params = req.params as Partial<Params> | undefined;
		if (
			req.routeOptions.url === API_ROUTE &&
			req.method === 'POST' &&
			params?.platform &&
			isPlatform(params.platform)
		) {
			logRequest(req, params.platform, params.requestName ?? '', reply.statusCode);
		}
	});

	app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
		if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
			const e = new ApiError(
				413,
				'PAYLOAD_TOO_LARGE',
				`The request body is larger than ${BODY_LIMIT} bytes`,
				{
					field: 'body',
					limit: BODY_LIMIT,
				},
			);
			return reply.code(413).send(e.toBody());
		}
		if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
			return reply
				.code(400)
				.send(new ApiError(400, 'VALIDATION_ERROR', err.message, { field: 'body' }).toBody());
		}
		const r = toResult(err);
		return reply.code(r.status).send(r.body);
	});

	app.setNotFoundHandler((req, reply) => {
		reply
			.code(404)
			.send(new ApiError(404, 'NOT_FOUND', `No route ${req.method} ${req.url}`).toBody());
	});

	// ------------------------------------------------------------ faults

	function hold(req: FastifyRequest, reply: FastifyReply): void {
		reply.hijack();
		const socket = req.raw.socket;
		const timer = setTimeout(() => {
			held.delete(socket);
			socket.destroy();
		}, HOLD_MAX_MS);
		timer.unref();
		held.set(socket, timer);
		socket.once('close', () => {
			clearTimeout(timer);
			held.delete(socket);
		});
	}

	function applyFault(
		req: FastifyRequest,
		reply: FastifyReply,
		fault: Fault,
		platform: Platform,
		requestName: string,
		result: ApiResult | null,
	): FastifyReply {
		switch (fault.kind) {
			case 'timeout':
				logRequest(req, platform, requestName, 0, fault);
				hold(req, reply);
				return reply;
			case 'reset': {
				logRequest(req, platform, requestName, 0, fault);
				reply.hijack();
				const socket = req.raw.socket as Socket & { resetAndDestroy?: () => void };
				if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
				else socket.destroy();
				return reply;
			}
			case 'malformed': {
				logRequest(req, platform, requestName, 200, fault);
				const full = result
					? JSON.stringify(result.body)
					: '{"contract":{"id":"ctr_0000","status":"pending","label":"trunc';
				const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
				return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(cut);
			}
			case '429':
				// A rate limit as many APIs answer it: the request was not carried out, try again later.
				logRequest(req, platform, requestName, 429, fault);
				return reply
					.code(429)
					.header('retry-after', '1')
					.send(new ApiError(429, 'RATE_LIMITED', 'Too many requests (injected fault)').toBody());
			case '502':
				logRequest(req, platform, requestName, 502, fault);
				return reply.code(502).header('content-type', 'text/html').send(BAD_GATEWAY_HTML);
			case '503':
				logRequest(req, platform, requestName, 503, fault);
				return reply
					.code(503)
					.send(
						new ApiError(
							503,
							'INTERNAL_ERROR',
							'Service temporarily unavailable (injected fault)',
						).toBody(),
					);
			case '500':
			default:
				logRequest(req, platform, requestName, 500, fault);
				return reply
					.code(500)
					.send(
						new ApiError(500, 'INTERNAL_ERROR', 'Internal server error (injected fault)').toBody(),
					);
		}
	}

	// ------------------------------------------------------------ the API

	app.post<{ Params: Params }>(API_ROUTE, async (req, reply) => {
		const { platform, requestName } = req.params;
		if (!isPlatform(platform)) {
			return reply
				.code(404)
				.send(new ApiError(404, 'NOT_FOUND', `Unknown platform ${platform}`).toBody());
		}
		const network = env.network;
		if (!network) return await answerApi(req, reply, platform, requestName);
		const tracked = req as unknown as Tracked;
		const arrivedAt = performance.now();
		tracked.sbArrivedAt = arrivedAt;
		const timing = requestTiming(network, (req.body as Buffer | undefined)?.length ?? 0);
		if (network.concurrencyLimit !== null && inFlight >= network.concurrencyLimit) {
			// Refused at once, the answer back after one round trip.
			tracked.sbDelayMs = timing.roundTripMs;
			tracked.sbReleaseAt = arrivedAt + timing.roundTripMs;
			return reply
				.code(429)
				.header('retry-after', String(network.retryAfterSeconds))
				.send(new ApiError(429, 'RATE_LIMITED', 'Too many requests at the same time').toBody());
		}
		inFlight += 1;
		peakInFlight = Math.max(peakInFlight, inFlight);
		reply.raw.once('close', () => (inFlight -= 1));
		tracked.sbDelayMs = timing.totalMs;
		tracked.sbReleaseAt = arrivedAt + timing.totalMs;
		// Carried out half a round trip before the answer leaves; the time the emulator itself
		// takes comes out of that half, so it is not added to the model.
		await sleep(timing.totalMs - timing.roundTripMs / 2);
		return await answerApi(req, reply, platform, requestName);
	});

	async function answerApi(
		req: FastifyRequest,
		reply: FastifyReply,
		platform: Platform,
		requestName: string,
	): Promise<FastifyReply> {
		const fault = takeFault(env, platform, requestName);
		if (fault && !fault.after) return applyFault(req, reply, fault, platform, requestName, null);
		let result: ApiResult;
		try {
			result = await handleApi(env, platform, requestName, req.body as Buffer | undefined);
		} catch (e) {
			result = toResult(e);
		}
		if (fault) return applyFault(req, reply, fault, platform, requestName, result);
		return reply.code(result.status).send(result.body);
	}

	app.route({
		method: ['GET', 'PUT', 'PATCH', 'DELETE'],
		url: API_ROUTE,
		handler: async (req, reply) =>
			reply
				.code(405)
				.header('allow', 'POST')
				.send(new ApiError(405, 'METHOD_NOT_ALLOWED', `Use POST for ${req.url}`).toBody()),
	});

	// ------------------------------------------------------------ website pages

	registerWebsite(app, env, record);

	// A sample PDF to send, for the example workflows (not part of the API).
	registerSamples(app);

	// ------------------------------------------------------------ control API

	const controlBody = (req: FastifyRequest): JsonObject => {
		const raw = req.body as Buffer | undefined;
		const text = raw ? raw.toString('utf8') : '';
		if (text.trim() === '') return {};
		let v: unknown;
		try {
			v = JSON.parse(text);
		} catch {
			throw new ApiError(400, 'VALIDATION_ERROR', 'The request body is not valid JSON', {
				field: 'body',
			});
		}
		if (!isObject(v))
			throw new ApiError(400, 'VALIDATION_ERROR', 'The request body must be a JSON object', {
				field: 'body',
			});
		return v;
	};

	const control =
		(fn: (req: FastifyRequest) => unknown) => async (req: FastifyRequest, reply: FastifyReply) => {
			let r: ApiResult;
			try {
				r = { status: 200, body: await fn(req) };
			} catch (e) {
				r = toResult(e);
			}
			return reply.code(r.status).send(r.body);
		};

	type IdParams = { id: string; sid: string };
	const p = (req: FastifyRequest) => req.params as IdParams;

	app.get(
		'/_control/outbox',
		control(() => ({ emails: env.store.emails, sms: env.store.sms })),
	);
	app.get(
		'/_control/clock',
		control(() => ({ now: iso(env.clock.nowMs()) })),
	);
	app.post(
		'/_control/clock',
		control((req) => controlClock(env, controlBody(req))),
	);
	app.post(
		'/_control/contracts/:id/validate',
		control((req) => validateDraft(env, p(req).id)),
	);
	app.post(
		'/_control/contracts/:id/signatories/:sid/pay',
		control((req) => payDeposit(env, p(req).id, p(req).sid, controlBody(req))),
	);
	app.post(
		'/_control/contracts/:id/signatories/:sid/sign',
		control((req) => signOnWebsite(env, p(req).id, p(req).sid)),
	);
	app.get(
		'/_control/contracts/:id',
		control((req) => internalView(env, p(req).id)),
	);
	app.get(
		'/_control/faults',
		control(() => ({ faults: env.store.faults })),
	);
	app.post(
		'/_control/faults',
		control((req) => addFault(env, controlBody(req))),
	);
	app.delete(
		'/_control/faults',
		control(() => {
			env.store.faults = [];
			return { faults: [] };
		}),
	);
	// peakInFlight: the most API requests in the network model at once since the model was set.
	app.get(
		'/_control/network',
		control(() => ({ network: env.network, inFlight, peakInFlight })),
	);
	app.put(
		'/_control/network',
		control((req) => {
			env.network = parseNetwork(controlBody(req));
			peakInFlight = inFlight;
			return { network: env.network };
		}),
	);
	app.delete(
		'/_control/network',
		control(() => {
			env.network = null;
			peakInFlight = inFlight;
			return { network: null };
		}),
	);
	app.post(
		'/_control/reset',
		control(() => {
			env.store.reset();
			peakInFlight = inFlight;
			return { ok: true, now: iso(env.clock.nowMs()) };
		}),
	);
	app.post(
		'/_control/seed',
		control((req) => seed(env, parseSeedBody(controlBody(req)))),
	);
	// The production owner's daily limit and today's counter: { apiUser?, limit?, used? }.
	app.put(
		'/_control/quota',
		control((req) => ({ quota: setQuota(env, parseQuotaBody(controlBody(req))) })),
	);
	app.get(
		'/_control/requests',
		control(() => {
			const counts: Record<string, number> = {};
			for (const r of env.store.requests) {
				const k = `${r.platform}/${r.requestName}`;
				counts[k] = (counts[k] ?? 0) + 1;
			}
			const quotas: Record<string, { day: string; used: number }> = {};
			for (const [k, v] of env.store.quotas) quotas[k] = { ...v };
			return { total: env.store.requests.length, counts, quotas, requests: env.store.requests };
		}),
	);
	return {
		app,
		releaseHeld() {
			for (const [socket, timer] of held) {
				clearTimeout(timer);
				socket.destroy();
			}
			held.clear();
		},
	};
}
