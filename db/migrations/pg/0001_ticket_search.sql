-- Full-text search over tickets (subject and description, key = -ticket id) and their
-- comments (key = comment id), with the SQLite FTS5 table's semantics: words split at
-- punctuation, lower-cased, accents removed; `internal` lets searches by clients skip
-- internal notes. Triggers keep it in the writing transaction; a GIN index serves @@.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION portico_search (COPY = pg_catalog.simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION portico_search
  ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;
--> statement-breakpoint
-- Punctuation becomes a space first, so an address, a host or a path is searchable by its
-- parts (as FTS5's unicode61 tokenizer splits them), not only as one token.
CREATE FUNCTION portico_search_words(body text) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT to_tsvector('portico_search', regexp_replace(coalesce(body, ''), '[[:punct:]]+', ' ', 'g')) $$;
--> statement-breakpoint
CREATE TABLE "ticket_search" (
  "key" bigint PRIMARY KEY,
  "ticket_id" integer NOT NULL,
  "internal" boolean NOT NULL,
  "words" tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ticket_search_words" ON "ticket_search" USING gin ("words");
--> statement-breakpoint
INSERT INTO "ticket_search" ("key", "ticket_id", "internal", "words")
  SELECT -"id", "id", false, portico_search_words("subject" || ' ' || "description") FROM "tickets";
--> statement-breakpoint
INSERT INTO "ticket_search" ("key", "ticket_id", "internal", "words")
  SELECT "id", "ticket_id", "internal", portico_search_words("body") FROM "ticket_comments";
--> statement-breakpoint
CREATE FUNCTION tickets_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "ticket_search" WHERE "key" = -OLD."id";
  ELSE
    INSERT INTO "ticket_search" ("key", "ticket_id", "internal", "words")
      VALUES (-NEW."id", NEW."id", false, portico_search_words(NEW."subject" || ' ' || NEW."description"))
      ON CONFLICT ("key") DO UPDATE SET "words" = EXCLUDED."words";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "tickets_search" AFTER INSERT OR DELETE OR UPDATE OF "subject", "description" ON "tickets"
  FOR EACH ROW EXECUTE FUNCTION tickets_search_sync();
--> statement-breakpoint
CREATE FUNCTION ticket_comments_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "ticket_search" WHERE "key" = OLD."id";
  ELSE
    INSERT INTO "ticket_search" ("key", "ticket_id", "internal", "words")
      VALUES (NEW."id", NEW."ticket_id", NEW."internal", portico_search_words(NEW."body"))
      ON CONFLICT ("key") DO UPDATE SET "internal" = EXCLUDED."internal", "words" = EXCLUDED."words";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "ticket_comments_search" AFTER INSERT OR DELETE OR UPDATE OF "body", "internal" ON "ticket_comments"
  FOR EACH ROW EXECUTE FUNCTION ticket_comments_search_sync();
