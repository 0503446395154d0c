import { createResource, Show } from 'solid-js';
import { refetchMe } from '../../lib/session';
import { createFormState, fileToBase64 } from '../../lib/form-state';
import { trpc } from '../../lib/trpc';

/** Account > Profile: display name, phone numbers and photo. */
export function ProfileSection() {
  const [profile, { refetch, mutate }] = createResource(() => trpc.people.profile.query());
  const { errors, error, saved, busy, run } = createFormState();
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      await trpc.people.updateProfile.mutate({
        name: String(form.get('name') ?? ''),
        phoneOffice: String(form.get('phoneOffice') ?? ''),
        phoneCell: String(form.get('phoneCell') ?? ''),
      });
      await Promise.all([refetch(), refetchMe()]);
      return 'Your profile was saved.';
    });
  };
  const pickPhoto = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    void run(async () => {
      const res = await trpc.people.setPhoto.mutate({ dataBase64: await fileToBase64(file) });
      mutate((p) => (p ? { ...p, photoDataUrl: res.photoDataUrl } : p));
      input.value = '';
      return 'Your photo was updated.';
    });
  };

  return (
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={profile()}>
        {(p) => (
          <>
            <div class="profile-photo">
              <Show when={p().photoDataUrl} fallback={<span class="avatar" aria-hidden="true">{p().name.slice(0, 1)}</span>}>
                <img src={p().photoDataUrl!} alt={`Photo of ${p().name}`} width="96" height="96" />
              </Show>
              <div>
                <label for="profile-photo">Profile photo</label>
                <input id="profile-photo" type="file" accept="image/png,image/jpeg,image/webp,image/gif" onChange={(e) => pickPhoto(e.currentTarget)} disabled={busy()} />
                <Show when={errors().photo}><p class="field-error">{errors().photo![0]}</p></Show>
                <Show when={p().photoDataUrl}>
                  <button type="button" class="link" onClick={() => void run(async () => { await trpc.people.removePhoto.mutate(); mutate((x) => (x ? { ...x, photoDataUrl: null } : x)); return 'Your photo was removed.'; })}>Remove photo</button>
                </Show>
              </div>
            </div>
            <form onSubmit={save} aria-busy={busy()}>
              <label for="profile-name">Display name</label>
              <input id="profile-name" name="name" required value={p().name} autocomplete="name" />
              <Show when={errors().name}><p class="field-error">{errors().name![0]}</p></Show>
              <label for="profile-office">Office phone</label>
              <input id="profile-office" name="phoneOffice" type="tel" value={p().phoneOffice} autocomplete="tel-national" />
              <Show when={errors().phoneOffice}><p class="field-error">{errors().phoneOffice![0]}</p></Show>
              <label for="profile-cell">Cell phone</label>
              <input id="profile-cell" name="phoneCell" type="tel" value={p().phoneCell} autocomplete="tel" aria-describedby="profile-cell-help" />
              <p id="profile-cell-help" class="muted">Sign-in codes sent by text message ("Send SMS Code") go to this number. Include the country code, such as +1 555 010 0142.</p>
              <Show when={errors().phoneCell}><p class="field-error">{errors().phoneCell![0]}</p></Show>
              <button type="submit" class="primary" disabled={busy()}>Save profile</button>
            </form>
          </>
        )}
      </Show>
    </section>
  );
}
