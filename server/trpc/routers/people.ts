import { z } from 'zod';
import { sendInvitation } from '../../auth/invitations';
import { createCompany } from '../../people/create-company';
import { createContact } from '../../people/create-contact';
import { archiveCompany, listCompanies, updateCompany, ZArchiveCompanyInput, ZListCompaniesInput, ZUpdateCompanyInput } from '../../people/manage-companies';
import { listContacts, setPortalAccess, updateContact, ZListContactsInput, ZPortalAccessInput, ZUpdateContactInput } from '../../people/manage-contacts';
import { getProfile, updateProfile, ZUpdateProfileInput } from '../../people/profile';
import { setTimeZone, ZSetTimeZoneInput } from '../../people/time-zone';
import { removeProfilePhoto, setProfilePhoto, ZSetPhotoInput } from '../../people/profile-photo';
import { ZCreateCompanyInput, ZCreateContactInput } from '../../people/schemas';
import { authedProcedure, router, sessionProcedure, staffProcedure } from '../procedures';

/** Contacts (Technical > Contacts and the staff console), companies (staff) and the own profile. */
export const peopleRouter = router({
  contacts: authedProcedure.input(ZListContactsInput).query(async ({ ctx, input }) => await listContacts(ctx.svc, input)),
  /** "Add Contact": creates the contact and, unless told not to, emails the invitation. */
  addContact: authedProcedure
    .input(ZCreateContactInput.extend({ sendInvitation: z.boolean().default(true) }))
    .mutation(async ({ ctx, input }) => {
      const { sendInvitation: invite, ...data } = input;
      const contact = await createContact(ctx.svc, data);
      if (invite) await sendInvitation(ctx.svc, { contactId: contact.id });
      return { id: contact.id, invited: invite };
    }),
  updateContact: authedProcedure.input(ZUpdateContactInput).mutation(async ({ ctx, input }) => await updateContact(ctx.svc, input)),
  setPortalAccess: authedProcedure.input(ZPortalAccessInput).mutation(async ({ ctx, input }) => await setPortalAccess(ctx.svc, input)),

  companies: staffProcedure.input(ZListCompaniesInput).query(async ({ ctx, input }) => await listCompanies(ctx.svc, input)),
  createCompany: staffProcedure.input(ZCreateCompanyInput).mutation(async ({ ctx, input }) => ({ id: (await createCompany(ctx.svc, input)).id })),
  updateCompany: staffProcedure.input(ZUpdateCompanyInput).mutation(async ({ ctx, input }) => {
    await updateCompany(ctx.svc, input);
    return { ok: true as const };
  }),
  archiveCompany: staffProcedure.input(ZArchiveCompanyInput).mutation(async ({ ctx, input }) => {
    await archiveCompany(ctx.svc, input);
    return { ok: true as const };
  }),

  profile: sessionProcedure.query(async ({ ctx }) => await getProfile(ctx.svc, ctx.session.userId)),
  updateProfile: sessionProcedure.input(ZUpdateProfileInput).mutation(async ({ ctx, input }) => {
    await updateProfile(ctx.svc, ctx.session.userId, input);
    return { ok: true as const };
  }),
  setTimeZone: sessionProcedure.input(ZSetTimeZoneInput).mutation(async ({ ctx, input }) => ({
    timeZone: await setTimeZone(ctx.svc, ctx.session.userId, input),
  })),
  setPhoto: sessionProcedure.input(ZSetPhotoInput).mutation(({ ctx, input }) => setProfilePhoto(ctx.svc, ctx.session.userId, input)),
  removePhoto: sessionProcedure.mutation(async ({ ctx }) => {
    await removeProfilePhoto(ctx.svc, ctx.session.userId);
    return { ok: true as const };
  }),
});
