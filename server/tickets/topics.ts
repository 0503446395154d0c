/** Bus topics for tickets; internal notes go only to the staff topic. */
export const ticketTopic = (ticketId: number) => `ticket:${ticketId}`;
export const ticketStaffTopic = (ticketId: number) => `ticket-staff:${ticketId}`;
export const companyTicketsTopic = (companyId: number) => `company-tickets:${companyId}`;
export const staffFeedTopic = (providerId: number) => `staff-feed:${providerId}`;
