// Config of an AD8232-class analog ECG front end read by a microcontroller running StandardFirmata
// (an Arduino Nano over USB serial), through serialport + firmata.js + johnny-five.
import { Type, type Static } from '@sinclair/typebox';
import { deviceSchema, EcgProcessing, FilePath } from '../common-schema.js';

const DigitalPin = (description: string, defaultPin: number) => Type.Integer({ minimum: 0, maximum: 127, default: defaultPin, description });

export const Ad8232FirmataConfig = deviceSchema('ad8232-firmata', 'AD8232 ECG front end on a StandardFirmata board (Arduino Nano)', {
  transport: Type.Object(
    {
      type: Type.Literal('serial'),
      path: FilePath('Serial device of the board, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0'),
      baudRate: Type.Integer({ minimum: 300, maximum: 4_000_000, default: 57600, description: 'StandardFirmata runs at 57600 baud' }),
    },
    { additionalProperties: false },
  ),
  pins: Type.Object(
    {
      ecg: Type.String({ pattern: '^A[0-7]$', default: 'A0', description: 'Analog input wired to the AD8232 OUTPUT' }),
      loPlus: DigitalPin('Digital input wired to LO+ (high: electrode off)', 10),
      loMinus: DigitalPin('Digital input wired to LO- (high: electrode off)', 11),
      led: Type.Union([DigitalPin('Status LED (off, blinking while connecting, on while streaming)', 13), Type.Null()], { default: 13 }),
      button: Type.Union([DigitalPin('Event-marker push button to GND (read with the internal pull-up)', 2), Type.Null()], { default: 2 }),
    },
    { additionalProperties: false, default: {} },
  ),
  sampleRateHz: Type.Integer({ minimum: 1, maximum: 1000, default: 250, description: 'Analog sampling rate; the Firmata sampling interval is whole ms, round(1000 / rate) (250 Hz: 4 ms; other rates are rounded to 1000 / whole ms)' }),
  adc: Type.Object(
    {
      bits: Type.Integer({ minimum: 8, maximum: 16, default: 10, description: 'ADC resolution (ATmega328P: 10)' }),
      vref: Type.Number({ exclusiveMinimum: 0, maximum: 12, default: 5, description: 'ADC reference, volts (Nano default AREF = 5 V)' }),
    },
    { additionalProperties: false, default: {} },
  ),
  frontEnd: Type.Object(
    {
      gainX: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 100, description: 'Total gain from the electrodes to OUTPUT, V/V' }),
      offsetV: Type.Number({ minimum: 0, maximum: 12, default: 1.65, description: 'OUTPUT level for 0 V at the electrodes (REFOUT = Vs/2: 1.65 V at 3.3 V)' }),
    },
    { additionalProperties: false, default: {} },
  ),
  handshakeTimeoutS: Type.Number({ minimum: 0.5, maximum: 60, default: 5, description: 'Firmata handshake (version, firmware, capabilities) must finish within this' }),
  ecg: EcgProcessing,
});

export type Ad8232FirmataConfig = Static<typeof Ad8232FirmataConfig>;
