"""Files of a run: finding the unit files of a folder, reading them in isolated workers, the output
file and its dated backups, one unit per key (io layer, shared by the consolidation and the ledgers)."""
