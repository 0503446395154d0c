export * from './people';
export * from './tickets';
export * from './events';
export * from './outbox';
export * from './sessions';
export * from './two-factor';
export * from './invitations';
export * from './password-resets';
