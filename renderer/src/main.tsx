import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseTransport } from './api';
import { connectStore } from './store/app-store';
import { App } from './App';
import './styles.css';

connectStore(chooseTransport());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
