// Runs a Firmata simulator's scripted events (button presses, lead-off, stalls, unplugs, garbage)
// at their times after start, repeating where asked. Returns a function that cancels them.
import type { FirmataAd8232SimulatorConfig } from '../sim-config.js';
import type { SimulatedFirmataAd8232 } from './emulator.js';

export type FirmataScriptEvent = FirmataAd8232SimulatorConfig['script'][number];

export function applyScriptEvent(sim: SimulatedFirmataAd8232, event: FirmataScriptEvent): void {
  switch (event.action) {
    case 'press-button':
      return sim.pressButton(event.durationMs);
    case 'lead-off':
      return sim.setLeadOff(true);
    case 'lead-on':
      return sim.setLeadOff(false);
    case 'stall':
      return sim.stall(event.durationMs);
    case 'unplug':
      return sim.unplug();
    case 'plug':
      return sim.plug();
    case 'garbage':
      return sim.injectBytes(Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff));
  }
}

export function runScript(sim: SimulatedFirmataAd8232, events: readonly FirmataScriptEvent[], speed = 1): () => void {
  const timers: NodeJS.Timeout[] = [];
  for (const event of events) {
    const fire = () => applyScriptEvent(sim, event);
    timers.push(
      setTimeout(() => {
        fire();
        if (event.repeatS !== undefined) timers.push(setInterval(fire, (event.repeatS * 1000) / speed));
      }, (event.atS * 1000) / speed),
    );
  }
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}
