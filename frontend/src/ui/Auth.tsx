import { useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api';
import { navigate, signIn, signUp } from '../app';

export function AuthForm({ mode }: { mode: 'signin' | 'signup' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const up = mode === 'signup';

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (up) await signUp(email, password, name);
      else await signIn(email, password);
    } catch (err) {
      setError({ message: messageOf(err), field: err instanceof ApiError ? err.field : undefined });
    } finally {
      setBusy(false);
    }
  }

  const invalid = (f: string) => (error?.field === f ? true : undefined);
  return (
    <section class="auth card" aria-labelledby="auth-title">
      <h1 id="auth-title">{up ? 'Create your account' : 'Sign in'}</h1>
      <form onSubmit={submit} noValidate>
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          aria-invalid={invalid('email')}
          aria-describedby={error ? 'auth-error' : undefined}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        {up && (
          <>
            <label for="name">
              Name <span class="muted">(optional)</span>
            </label>
            <input
              id="name"
              name="name"
              autoComplete="name"
              value={name}
              aria-invalid={invalid('name')}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </>
        )}
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={up ? 'new-password' : 'current-password'}
          required
          value={password}
          aria-invalid={invalid('password')}
          aria-describedby={up ? 'password-hint' : undefined}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {up && (
          <p id="password-hint" class="hint">
            At least 8 characters.
          </p>
        )}
        {error && (
          <p id="auth-error" class="error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" class="primary wide" disabled={busy}>
          {busy ? 'Please wait…' : up ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p class="switch">
        {up ? 'Already have an account? ' : 'New here? '}
        <a
          href={up ? '/signin' : '/signup'}
          onClick={(e) => {
            e.preventDefault();
            setError(null);
            navigate(up ? 'signin' : 'signup');
          }}
        >
          {up ? 'Sign in' : 'Create an account'}
        </a>
      </p>
    </section>
  );
}
