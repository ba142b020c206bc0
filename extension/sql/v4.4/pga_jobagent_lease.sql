-- Liveness by lease: an agent of 4.4 refreshes jagseen at a poll once half its lease has passed
-- and promises in jaglease to refresh it again within that time. Other agents take it for dead
-- only once its lease has run out (so a short loss of its connection costs it nothing), counted
-- from their own registration at the earliest: an agent alone on its database renews nothing
-- until another one arrives (pga_jobagent_notify wakes it then). Both stay NULL in rows of
-- agents that do not know them (pgAgent 4.2's), which are judged by their pid alone, as before.
ALTER TABLE pgagent.pga_jobagent
    ADD COLUMN jagseen  timestamptz NULL,
    ADD COLUMN jaglease interval    NULL;
COMMENT ON COLUMN pgagent.pga_jobagent.jagseen IS 'When the agent last showed it is alive, while other agents are registered (NULL: an agent without a lease).';
COMMENT ON COLUMN pgagent.pga_jobagent.jaglease IS 'How long after jagseen the agent may be silent before others take it for dead.';
