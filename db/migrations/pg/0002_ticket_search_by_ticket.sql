-- A ticket's entries by its id: a list walks its own index newest-first and asks, per
-- ticket, whether any of its entries matches (fast for words most tickets contain).
CREATE INDEX "ticket_search_ticket" ON "ticket_search" ("ticket_id");
