CREATE INDEX `tickets_company_active` ON `tickets` (`company_id`,`updated_at`,`id`) WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX `tickets_provider_active` ON `tickets` (`provider_id`,`updated_at`,`id`) WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX `tickets_requester_active` ON `tickets` (`requester_contact_id`,`updated_at`,`id`) WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX `tickets_assignee_active` ON `tickets` (`assignee_staff_id`,`updated_at`,`id`) WHERE status <> 'closed';