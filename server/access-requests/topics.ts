/** Staff pages of one provider follow its access requests here (new, approved, declined). */
export const accessRequestsTopic = (providerId: number) => `access-requests:provider:${providerId}`;
