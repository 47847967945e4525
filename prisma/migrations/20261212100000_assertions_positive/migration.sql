-- Records with an unknown assertion code ("other", bit 62) were stored with bit 63 set too: the
-- importer's mask (lib/ala/assertions.ts, toMask) carried bit 62 as the sign of a 32-bit half.
-- Masks are positive signed 64-bit integers; bit 63 names nothing, so clearing it loses nothing.
UPDATE occurrences SET assertions = assertions & x'7fffffffffffffff'::bigint WHERE assertions < 0;
