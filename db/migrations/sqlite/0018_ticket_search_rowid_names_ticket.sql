-- The search index rebuilt so that a hit names its ticket without reading anything else:
-- rowid = ticket id × 2^32 + (0 for the ticket's subject and description, or comment id ×
-- 2 + internal for a comment). `rowid >> 32` is the ticket, `rowid & 1` marks internal
-- notes (clients skip them). Contentless (the text lives in tickets and ticket_comments
-- already), so a search reads only the index, and deletes by rowid (contentless_delete).
-- Ids stay below 2^31, as SQLite's rowid has 63 bits.
DROP TRIGGER `tickets_search_insert`;
--> statement-breakpoint
DROP TRIGGER `tickets_search_update`;
--> statement-breakpoint
DROP TRIGGER `ticket_comments_search_insert`;
--> statement-breakpoint
DROP TRIGGER `ticket_comments_search_delete`;
--> statement-breakpoint
DROP TRIGGER `ticket_comments_search_update`;
--> statement-breakpoint
DROP TABLE `ticket_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `ticket_search` USING fts5(`text`, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `ticket_search`(rowid, `text`) SELECT `id` * 4294967296, `subject` || ' ' || `description` FROM `tickets`;
--> statement-breakpoint
INSERT INTO `ticket_search`(rowid, `text`) SELECT `ticket_id` * 4294967296 + `id` * 2 + `internal`, `body` FROM `ticket_comments`;
--> statement-breakpoint
CREATE TRIGGER `tickets_search_insert` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO `ticket_search`(rowid, `text`) VALUES (new.`id` * 4294967296, new.`subject` || ' ' || new.`description`);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_search_update` AFTER UPDATE OF `subject`, `description` ON `tickets` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = old.`id` * 4294967296;
  INSERT INTO `ticket_search`(rowid, `text`) VALUES (new.`id` * 4294967296, new.`subject` || ' ' || new.`description`);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_search_delete` AFTER DELETE ON `tickets` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = old.`id` * 4294967296;
END;
--> statement-breakpoint
CREATE TRIGGER `ticket_comments_search_insert` AFTER INSERT ON `ticket_comments` BEGIN
  INSERT INTO `ticket_search`(rowid, `text`) VALUES (new.`ticket_id` * 4294967296 + new.`id` * 2 + new.`internal`, new.`body`);
END;
--> statement-breakpoint
CREATE TRIGGER `ticket_comments_search_delete` AFTER DELETE ON `ticket_comments` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = old.`ticket_id` * 4294967296 + old.`id` * 2 + old.`internal`;
END;
--> statement-breakpoint
CREATE TRIGGER `ticket_comments_search_update` AFTER UPDATE OF `body`, `internal`, `ticket_id` ON `ticket_comments` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = old.`ticket_id` * 4294967296 + old.`id` * 2 + old.`internal`;
  INSERT INTO `ticket_search`(rowid, `text`) VALUES (new.`ticket_id` * 4294967296 + new.`id` * 2 + new.`internal`, new.`body`);
END;
