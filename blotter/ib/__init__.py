"""The only package that imports `ibapi`: session (connect, reconnect, resync, ids, pacing) and the EWrapper bridge."""
