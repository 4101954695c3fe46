"""What DataStreamOracle must achieve: configuration takes effect, accepted updates are stored exactly and are what the
reads return, the circuit breaker trips/blocks/resets as configured, reports are recorded and paid for, the reads
pick the right source, the TWAP is exact (Foundry property tests in contracts/test/integrity/OrclIntegrity.t.sol,
engine `props`).

The oracle safety specs say a stale or out-of-bound price is never used; these say a valid price always is.
"""
from __future__ import annotations

from functools import partial

from checkers.base import Severity
from specs._integrity import integrity_spec

_O = "DataStreamOracle"


_spec = partial(integrity_spec, _O, "oracle")


SPECS = (
    _spec("INT-ORCL-01", "addFeed stores exactly the configuration (getFeed), lists the id once (feedIds), emits "
                         "FeedAdded; a second add, invalid configurations, a heartbeat outside the band (above the 90 s "
                         "fallback window, at most 1 h) and strangers are refused",
          "A feed stored with the wrong decimals or heartbeat mis-scales or mis-ages every price; a second add "
          "would reset a live feed.", ("addFeed", "getFeed", "feedIds"), Severity.MEDIUM),
    _spec("INT-ORCL-02", "setFallbackFeed replaces the fallback and emits FallbackFeedSet; past 90 s the new "
                         "fallback's answer (scaled by its own decimals) is what the reads return; address(0) removes it",
          "The design's fallback (staleness > 90 s) only protects the platform if the configured feed is the one "
          "read.", ("setFallbackFeed", "latestPrice"), Severity.MEDIUM),
    _spec("INT-ORCL-03", "setReportStream stores stream id and decimals (reportStream), emits ReportStreamSet, and a "
                         "report of that stream is accepted and scaled by those decimals; invalid config refused",
          "A report scaled with the wrong decimals is off by powers of ten.", ("setReportStream", "reportStream"),
          Severity.MEDIUM),
    _spec("INT-ORCL-04", "setCircuitBreaker stores its configuration (circuitBreaker) and emits "
                         "CircuitBreakerConfigured; disabling clears a trip (reads and any move work again); an enabled "
                         "breaker outside the band (trips at 1-15 %, cooldown 1-60 min) refused",
          "A breaker that cannot be configured or released leaves the market without a price during an incident.",
          ("setCircuitBreaker", "circuitBreaker"), Severity.MEDIUM),
    _spec("INT-ORCL-05", "updatePrice within the bound is accepted: stores exactly price * 10^(18 - decimals) (rounded "
                         "down above 18) with the block time, one observation per distinct second, is what getPrice/"
                         "latestPrice return, emits PriceUpdated origin 1; refuses zero, unknown feeds, strangers",
          "A pushed price that is not stored (or stored mis-scaled) leaves the platform trading on the old one.",
          ("updatePrice", "primaryPrice", "getPrice", "latestPrice", "observationCount"), Severity.CRITICAL),
    _spec("INT-ORCL-06", "a move beyond maxDeviationBps is rejected (false; price and history unchanged), trips at the "
                         "block time with CircuitBreakerTripped/PriceRejected(1); reads revert CircuitBreakerActive "
                         "until the cooldown ends; cooldown updates rejected (2); the first update after it is "
                         "accepted and resets (CircuitBreakerReset); the bound is inclusive",
          "The design's circuit breaker (10 % / 300 s in the deployment): a breaker that never trips, never resets, "
          "or is off by one unit either blocks the market or lets a manipulated price through.",
          ("updatePrice", "circuitBreaker"), Severity.CRITICAL),
    _spec("INT-ORCL-07", "updatePriceFromReport records a verified v3 report at its observation time, scaled by the "
                         "stream's decimals, emits PriceUpdated origin 2; under on-chain billing exactly the report's "
                         "LINK fee is paid to the reward manager; outdated and stale reports refused",
          "Chainlink Data Streams: consumers verify reports on-chain and pay the verification fee in LINK; the "
          "observation time, not the block time, is the price's age. Reports go through the verifier proxy "
          "initialize stored (verifierProxy()).", ("updatePriceFromReport", "primaryPrice", "initialize", "verifierProxy"),
          Severity.HIGH),
    _spec("INT-ORCL-08", "getPrice/latestPrice return the primary while at most 90 s old, else a fresh positive "
                         "fallback, else the primary within its heartbeat, else revert StalePrice; getPrice agrees "
                         "with latestPrice",
          "The design's source rule, end to end through the reads (not only the PerpMath model).",
          ("getPrice", "latestPrice"), Severity.CRITICAL),
    _spec("INT-ORCL-09", "getTwap is exactly the time-weighted mean of accepted prices over the window, rounded down; "
                         "refuses a window longer than the history and a last price older than the heartbeat",
          "A TWAP that mis-weights observations is manipulable with one short-lived price (Uniswap v2 oracle).",
          ("getTwap", "observationCount")),
    _spec("INT-ORCL-10", "feedIdOf is keccak256 of the name; feedIds lists every feed once in order; getFeed and the "
                         "reads refuse unknown feeds; a new feed has no price, history, stream or breaker",
          "Integrators derive feed ids with feedIdOf and enumerate feeds with feedIds; views must agree with addFeed.",
          ("feedIdOf", "feedIds", "getFeed", "primaryPrice", "reportStream", "circuitBreaker", "observationCount"),
          Severity.LOW),
)
