/** Words on screens and on the PDF (seed 004 §12–§17); pure, shared with the client. */

export const INVOICE_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  unpaid: 'Unpaid',
  partial: 'Partial',
  paid: 'Paid',
  overdue: 'Overdue',
  void: 'Void',
};

export const QUOTE_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  sent: 'Awaiting decision',
  accepted: 'Accepted',
  declined: 'Declined',
  expired: 'Expired',
};

export const FREQUENCY_LABELS: Record<string, string> = { monthly: 'Monthly', quarterly: 'Quarterly', yearly: 'Yearly' };

export const PAYMENT_METHOD_LABELS: Record<string, string> = {
  card: 'Card',
  bank_transfer: 'Bank transfer',
  check: 'Check',
  cash: 'Cash',
  other: 'Other',
};
