import { useEffect, useState } from 'react';
import { useApp } from '../store/app-store';
import { droppedText } from '../lib/files';

const ACCEPTED = ['Files', 'text/uri-list', 'text/plain'];

/**
 * Makes the whole window a drop target: files go to `addFiles`, text (magnet links) to `addText`.
 * Returns whether something droppable is over the window (for the overlay).
 */
export function useWindowDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const accepts = (e: DragEvent) => !!e.dataTransfer && ACCEPTED.some((t) => e.dataTransfer!.types.includes(t));
    const onEnter = (e: DragEvent) => {
      if (!accepts(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (!accepts(e)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      if (!e.dataTransfer) return;
      // Text dropped into the paste box is ordinary editing, not an add.
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement) {
        if (e.dataTransfer.files.length === 0) return;
      }
      e.preventDefault();
      const store = useApp.getState();
      const files = Array.from(e.dataTransfer.files);
      store.setTab('add');
      if (files.length) void store.addFiles(files);
      else {
        const text = droppedText(e.dataTransfer);
        if (text.trim()) void store.addText(text);
      }
    };
    document.addEventListener('dragenter', onEnter);
    document.addEventListener('dragover', onOver);
    document.addEventListener('dragleave', onLeave);
    document.addEventListener('drop', onDrop);
    return () => {
      document.removeEventListener('dragenter', onEnter);
      document.removeEventListener('dragover', onOver);
      document.removeEventListener('dragleave', onLeave);
      document.removeEventListener('drop', onDrop);
    };
  }, []);
  return dragging;
}
