import { useState } from 'react';

/** Asks for an API token (`pnpm start` prints a demo token); it is kept in session storage only. */
export function SignIn({ onSignIn }: { onSignIn: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main className="signin">
      <h1>MDM Enrollment Gateway</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) onSignIn(value.trim());
        }}
      >
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          placeholder="mdm_…"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit">Sign in</button>
        <p className="hint">A READER token is enough to watch; actions need OPERATOR or ADMIN.</p>
      </form>
    </main>
  );
}
