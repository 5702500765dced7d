/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, MSB first, no final xor. Check("123456789") = 0x29B1.
 * Bitwise on purpose: 512 bytes of table cost more flash than a few cycles per byte at sensor rates. */
#include "garment.h"

uint16_t garment_crc16(const uint8_t *bytes, size_t len, uint16_t crc) {
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned bit;
    /* Shifts on `unsigned`, not on promoted int: no signed overflow where int is 16 bits (AVR, MSP430). */
    crc = (uint16_t)(crc ^ ((unsigned)bytes[i] << 8));
    for (bit = 0; bit < 8u; bit++) {
      crc = (crc & 0x8000u) ? (uint16_t)(((unsigned)crc << 1) ^ 0x1021u) : (uint16_t)((unsigned)crc << 1);
    }
  }
  return crc;
}
