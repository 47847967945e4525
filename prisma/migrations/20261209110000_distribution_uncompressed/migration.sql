-- The range and the cells are stored out of line but no longer compressed: for the 1.2 M-record
-- species they are about 11 MB of json, which pglz took 100–150 ms to compress on every rebuild
-- (a third of the insert, measured) and the layer's answers to expand again. They compress well,
-- so this costs disk (a few times the compressed size): the price of the range following a vetting sooner.
ALTER TABLE species_distributions
  ALTER COLUMN range SET STORAGE EXTERNAL,
  ALTER COLUMN cells SET STORAGE EXTERNAL;
