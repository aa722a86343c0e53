"""The simulated TWS: an independent implementation of TWS's socket protocol (server side).

Standard library only (and blotter.records, which is too). It never imports `ibapi` nor the blotter's
client side; its truth is the recorded real frames in tests/captures.
"""
