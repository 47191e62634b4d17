"""The WCS rules both sides share: the client (``wcs_ext``) and the emulator.

Pure code, no network and no httpx: Base64 and entries (:mod:`.encoding`), credentials,
the upload policy and both tokens (:mod:`.signing`), etag and CRC-64 (:mod:`.checksum`),
the fmgr op grammar (:mod:`.fmgr_ops`) and the block plan with its acknowledgements
(:mod:`.blocks`). The emulator imports nothing else of the client side, so the two can
only agree on a byte because they share it here.
"""
