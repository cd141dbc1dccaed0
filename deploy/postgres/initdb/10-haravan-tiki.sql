-- Runs once, when the postgres:16 container initialises an empty data volume
-- (files in /docker-entrypoint-initdb.d run as $POSTGRES_USER against $POSTGRES_DB).
--
-- The application database lives on the same server as Temporal's `temporal` and
-- `temporal_visibility` databases (those two are created by the temporal-admin-tools job)
-- but is a separate database: the app never touches Temporal's tables.
-- The temporal-admin-tools job also creates it if missing, for volumes initialised before this
-- script existed.
CREATE DATABASE haravan_tiki;
