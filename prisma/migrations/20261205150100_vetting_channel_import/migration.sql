-- Vettings made by a range import (docs/range-imports.md) say so: channel 'import'.
ALTER TABLE vettings DROP CONSTRAINT vettings_channel_check;
ALTER TABLE vettings ADD CONSTRAINT vettings_channel_check CHECK (channel IN ('web', 'ws', 'import'));
