// engine assembly lands here
