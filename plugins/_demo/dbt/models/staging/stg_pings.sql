-- One row per ping the demo router answered (a stand-in source for the example).
select 1 as ping_id, current_timestamp as pinged_at
