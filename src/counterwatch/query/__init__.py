"""Questions asked of the register: search now; records, paths and maps to come."""
