-- Full-text search over tickets (subject and description, rowid = -ticket id) and their
-- comments (rowid = comment id). SQLite FTS5; PostgreSQL would use a tsvector instead.
-- `internal` lets searches by clients skip internal notes.
CREATE VIRTUAL TABLE `ticket_search` USING fts5(`text`, `ticket_id` UNINDEXED, `internal` UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `ticket_search`(rowid, `text`, `ticket_id`, `internal`) SELECT -`id`, `subject` || ' ' || `description`, `id`, 0 FROM `tickets`;
--> statement-breakpoint
INSERT INTO `ticket_search`(rowid, `text`, `ticket_id`, `internal`) SELECT `id`, `body`, `ticket_id`, `internal` FROM `ticket_comments`;
--> statement-breakpoint
CREATE TRIGGER `tickets_search_insert` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO `ticket_search`(rowid, `text`, `ticket_id`, `internal`) VALUES (-new.`id`, new.`subject` || ' ' || new.`description`, new.`id`, 0);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_search_update` AFTER UPDATE OF `subject`, `description` ON `tickets` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = -old.`id`;
  INSERT INTO `ticket_search`(rowid, `text`, `ticket_id`, `internal`) VALUES (-new.`id`, new.`subject` || ' ' || new.`description`, new.`id`, 0);
END;
--> statement-breakpoint
CREATE TRIGGER `ticket_comments_search_insert` AFTER INSERT ON `ticket_comments` BEGIN
  INSERT INTO `ticket_search`(rowid, `text`, `ticket_id`, `internal`) VALUES (new.`id`, new.`body`, new.`ticket_id`, new.`internal`);
END;
--> statement-breakpoint
CREATE TRIGGER `ticket_comments_search_delete` AFTER DELETE ON `ticket_comments` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = old.`id`;
END;
