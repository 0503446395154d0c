-- A comment whose body or visibility changes (a held mail reply released to the thread)
-- is searched as it now is: a released reply is found by clients too.
CREATE TRIGGER `ticket_comments_search_update` AFTER UPDATE OF `body`, `internal` ON `ticket_comments` BEGIN
  DELETE FROM `ticket_search` WHERE rowid = old.`id`;
  INSERT INTO `ticket_search`(rowid, `text`, `ticket_id`, `internal`) VALUES (new.`id`, new.`body`, new.`ticket_id`, new.`internal`);
END;
