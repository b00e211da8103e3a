"""SNMP collection for netops: profiles (data), a fast v2c client and pysnmp for v3,
the generic PDU-to-metrics mapping, and the multi-target exporter."""
