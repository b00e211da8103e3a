"""The isolation compliance audit: is the intranet physically isolated, and does the extranet
meet the Internet only through a firewall?

Three layers of evidence, each a set of pure checks over the inventory and what was gathered
at the edge: intent (the cable graph), configuration (rendered configs or backups) and live
state (SNMP walks of LLDP, ARP and routing tables). Every check yields PASS, FAIL or UNKNOWN
per target; what was not seen is never PASS. Entry point: `netops.audit.run.audit_isolation`.
"""
