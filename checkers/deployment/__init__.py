"""`verify deployment`: a read-only check of a live deployment against the launch checklist (issue "Launch
readiness"): roles held by each stack's Safe and by no EOA, parameters inside the design's bands, every module
pausable by its guardian (simulated on an anvil fork, never sent to the chain), the Automation upkeep registered,
funded and forwarder-only, CCIP lanes allowlisted both ways with fees quoted, and the launch phase with what it
allows. Reports in the toolkit's formats, exit codes as `verify all`.
"""
