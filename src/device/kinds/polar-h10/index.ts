// The polar-h10 device kind: ECG at 130 Hz over the Polar Measurement Data service (control point
// commands matched to their indicated responses, data frames decoded on the strap's clock), plus
// HR/RR and battery over the standard services (shared with hr-strap). Only ECG data makes the
// session alive: HR notifications go on while a stopped ECG stream would stay unnoticed otherwise.
import { FrameError } from '../../../common/errors.js';
import {
  decodeH10DataFrame,
  encodeGetMeasurementSettings,
  encodeStartAcc,
  encodeStartEcg,
  encodeStopMeasurement,
  H10_ECG_SAMPLE_RATE_HZ,
  PMD_CONTROL_POINT_UUID,
  PMD_DATA_UUID,
  PMD_MEASUREMENT_TYPE_CODES,
  PMD_OP_GET_MEASUREMENT_SETTINGS,
  PMD_OP_START_MEASUREMENT,
  PMD_OP_STOP_MEASUREMENT,
  PMD_SERVICE_UUID,
  PmdControlPointAssembler,
  type PmdControlPointResponse,
} from '../../protocols/polar-h10/index.js';
import { RequestMatcher } from '../../request-matcher.js';
import type { GattLink } from '../../transports/gatt.js';
import { bleLink, GattSession, gattSessionBasics, withLinkCounters } from '../gatt-session.js';
import type { DeviceKind, DeviceSession, DeviceSessionContext } from '../kind.js';
import { zeroCounters } from '../kind.js';
import { HeartRateChannel } from '../hr-strap/heart-rate.js';
import { PmdFrames } from './pmd-frames.js';
import type { PolarH10Config } from './schema.js';

/** The H10 answers its control point within tens of ms; a response this late will not come. */
const PMD_RESPONSE_TIMEOUT_MS = 5_000;
/** Stopping on the way out is best effort: the strap stops by itself when the link goes. */
const PMD_STOP_TIMEOUT_MS = 1_000;
const PMD_STATUS_ALREADY_IN_STATE = 6;
const ACC_CHANNELS = ['x', 'y', 'z'] as const;

export const kind: DeviceKind<PolarH10Config> = {
  kind: 'polar-h10',
  streams: (config) => [
    { stream: 'ecg', sampleRateHz: H10_ECG_SAMPLE_RATE_HZ, channels: ['ECG'], unit: 'uV' },
    { stream: 'rr', channels: ['RR'], unit: 'ms' },
    ...(config.acc.enabled ? [{ stream: 'acc' as const, sampleRateHz: config.acc.sampleRateHz, channels: [...ACC_CHANNELS], unit: 'mg' }] : []),
  ],
  create: (context) => createPolarH10Session(context, bleLink(context.config.transport)),
};

/** The session over a given link (the real one is node-ble; tests pass a SimGattLink). */
export function createPolarH10Session(context: DeviceSessionContext<PolarH10Config>, link: GattLink): DeviceSession {
  const { config, log, deviceId } = context;
  const counters = zeroCounters();
  const ecg = new PmdFrames(deviceId, counters, { stream: 'ecg', sampleRateHz: H10_ECG_SAMPLE_RATE_HZ, channels: ['ECG'] });
  const acc = config.acc.enabled ? new PmdFrames(deviceId, counters, { stream: 'acc', sampleRateHz: config.acc.sampleRateHz, channels: [...ACC_CHANNELS] }) : undefined;
  const assembler = new PmdControlPointAssembler();
  let matcher = new RequestMatcher<PmdControlPointResponse>({ what: `${deviceId} PMD control point` });
  const heartRate = new HeartRateChannel({
    log,
    counters,
    onHeartRate: context.onHeartRate,
    onStatus: context.onStatus,
    isConnected: () => session.supervisor.connected,
  });

  const onControlPoint = (bytes: Uint8Array): void => {
    let message;
    try {
      message = assembler.push(bytes);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      counters.errors.field++;
      log.debug(() => `bad PMD control point value: ${err.message}`);
      return;
    }
    if (message === null) return;
    if (message.kind === 'measurement-stopped') {
      // Charger or low battery: no more data comes, so the silence watchdog reopens and restarts it.
      log.warn(`H10 stopped measurement ${message.measurementTypes.join(', ')}`);
      return;
    }
    if (!matcher.resolve(message)) log.debug(() => `unsolicited PMD response ${message.op} (${message.statusName})`);
  };

  const onData = (bytes: Uint8Array, alive: () => void): void => {
    let frame;
    try {
      frame = decodeH10DataFrame(bytes);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      if (err.code === 'length' || err.code === 'truncated') counters.errors.length++;
      else counters.errors.field++;
      log.debug(() => `bad PMD data frame: ${err.message}`);
      return;
    }
    if (frame.kind === 'acc') {
      // ACC is started only when configured; otherwise it is another client's stream.
      if (!acc) return;
      counters.framesOk++;
      const block = acc.push(frame.timestampNs, [frame.xMg, frame.yMg, frame.zMg], undefined);
      if (block) context.onBlock(block);
      return;
    }
    if (frame.kind !== 'ecg') return;
    counters.framesOk++;
    alive();
    const contact = heartRate.contact;
    const block = ecg.push(frame.timestampNs, [frame.samplesUv], contact === undefined || contact === null ? undefined : { contact, leadOff: !contact });
    if (block) context.onBlock(block);
  };

  /** Writes a command and waits for the response to its op code on its measurement type (ECG by default). */
  const request = async (l: GattLink, command: Uint8Array, opCode: number, timeoutMs: number, type: 'ecg' | 'acc' = 'ecg'): Promise<PmdControlPointResponse> => {
    const typeCode = PMD_MEASUREMENT_TYPE_CODES[type];
    // Registered before the write: the indication can arrive before the write's own acknowledgement.
    const pending = matcher.waitFor((r) => r.opCode === opCode && r.measurementTypeCode === typeCode, timeoutMs);
    try {
      await l.write(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, command, { withResponse: true });
    } catch (err) {
      pending.cancel();
      pending.promise.catch(() => undefined);
      counters.errors.command++;
      throw err;
    }
    const response = await pending.promise.catch((err: unknown) => {
      counters.errors.command++;
      throw err;
    });
    if (!response.ok && response.status !== PMD_STATUS_ALREADY_IN_STATE) counters.errors.command++;
    return response;
  };

  const setup = async (l: GattLink, alive: () => void): Promise<void> => {
    matcher = new RequestMatcher<PmdControlPointResponse>({ what: `${deviceId} PMD control point` });
    assembler.reset();
    await l.subscribe(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, onControlPoint);
    await l.subscribe(PMD_SERVICE_UUID, PMD_DATA_UUID, (bytes) => onData(bytes, alive));
    await heartRate.attach(l, () => undefined);
    const settings = await request(l, encodeGetMeasurementSettings('ecg'), PMD_OP_GET_MEASUREMENT_SETTINGS, PMD_RESPONSE_TIMEOUT_MS);
    if (!settings.ok) throw new Error(`H10 refused ECG settings: ${settings.statusName}`);
    const rates = settings.settings?.sampleRateHz ?? [];
    if (!rates.includes(H10_ECG_SAMPLE_RATE_HZ)) throw new Error(`H10 offers ECG at ${rates.join('/') || 'no'} Hz, not ${H10_ECG_SAMPLE_RATE_HZ}`);
    const started = await request(l, encodeStartEcg(), PMD_OP_START_MEASUREMENT, PMD_RESPONSE_TIMEOUT_MS);
    // Already streaming (a previous gateway run left it on) is as good as started.
    if (!started.ok && started.status !== PMD_STATUS_ALREADY_IN_STATE) throw new Error(`H10 refused to start ECG: ${started.statusName}`);
    log.debug('H10 ECG started at 130 Hz');
    if (acc) {
      const { sampleRateHz, rangeG } = config.acc;
      const accStarted = await request(l, encodeStartAcc({ sampleRateHz, rangeG }), PMD_OP_START_MEASUREMENT, PMD_RESPONSE_TIMEOUT_MS, 'acc');
      if (!accStarted.ok && accStarted.status !== PMD_STATUS_ALREADY_IN_STATE) throw new Error(`H10 refused to start ACC at ${sampleRateHz} Hz, ${rangeG} g: ${accStarted.statusName}`);
      log.debug(`H10 ACC started at ${sampleRateHz} Hz, ±${rangeG} g`);
    }
  };

  const session: GattSession = new GattSession({
    ...gattSessionBasics(context),
    link,
    setup,
    teardown: async (l) => {
      if (acc) await request(l, encodeStopMeasurement('acc'), PMD_OP_STOP_MEASUREMENT, PMD_STOP_TIMEOUT_MS, 'acc').catch(() => undefined);
      await request(l, encodeStopMeasurement('ecg'), PMD_OP_STOP_MEASUREMENT, PMD_STOP_TIMEOUT_MS);
    },
    onLinkEnd: () => {
      matcher.close('link ended');
      assembler.reset();
      heartRate.detach();
    },
  });
  return {
    transport: 'ble',
    address: link.address,
    start: () => session.start(),
    stop: () => session.stop(),
    counters: () => withLinkCounters(counters, session),
  };
}
