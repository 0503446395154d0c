import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { getSecuritySettings, setCompanyTwoFactor, updateSecuritySettings } from '../../../server/admin/security-settings';
import { mustSetUpTwoFactor } from '../../../server/auth/two-factor-requirement';
import { policyForProvider } from '../../../server/auth/password-policy';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

describe('sign-in security settings', () => {
  it('lets an admin set the password policy and require 2FA per company', () => {
    const admin = asDemoUser(base, 'admin@demo-msp.test');
    updateSecuritySettings(admin, { passwordMinLength: 12, passwordRequireClasses: true, requireStaff2fa: true }, '10.3.0.1');
    const s = getSecuritySettings(admin);
    expect(s).toMatchObject({ passwordMinLength: 12, passwordRequireClasses: true, requireStaff2fa: true });
    expect(policyForProvider(base.db, admin.actor.kind === 'staff' ? admin.actor.providerId : 0)).toMatchObject({ minLength: 12, requireClasses: true });

    const acme = s.companies.find((c) => c.name === 'Acme Dental')!;
    const contact = asDemoUser(base, 'standard@acme-dental.test').actor;
    expect(mustSetUpTwoFactor(base, contact)).toBe(false);
    setCompanyTwoFactor(admin, { companyId: acme.id, require2fa: true }, '10.3.0.1');
    expect(mustSetUpTwoFactor(base, contact)).toBe(true);
    expect(mustSetUpTwoFactor(base, asDemoUser(base, 'standard@northwind.test').actor)).toBe(false);
  });

  it('refuses bad values, technicians, contacts and other providers', () => {
    const admin = asDemoUser(base, 'admin@demo-msp.test');
    expect(() => updateSecuritySettings(admin, { passwordMinLength: 6, passwordRequireClasses: false, requireStaff2fa: true }, 'x')).toThrow('at least 8');
    expect(() => updateSecuritySettings(admin, { passwordMinLength: 200, passwordRequireClasses: false, requireStaff2fa: true }, 'x')).toThrow('at most 64');
    expect(() => getSecuritySettings(asDemoUser(base, 'tech@demo-msp.test'))).toThrow('staff administrator');
    expect(() => getSecuritySettings(asDemoUser(base, 'primary@acme-dental.test'))).toThrow('staff only');

    const sys = withActor(base, system);
    const other = createProvider(sys, { name: 'Other MSP', identifier: 'other-msp' });
    createStaffMember(sys, other.id, { name: 'Olive Other', email: 'olive@other.test', role: 'admin' });
    const otherAdmin = asDemoUser(base, 'olive@other.test');
    expect(getSecuritySettings(otherAdmin).companies).toEqual([]);
    const acmeId = getSecuritySettings(admin).companies[0]!.id;
    expect(() => setCompanyTwoFactor(otherAdmin, { companyId: acmeId, require2fa: false }, 'x')).toThrow('Company not found');
  });
});
