"""The live preview: frames decoded off the GUI thread, painted with the job's progress."""
